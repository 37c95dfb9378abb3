using System.Diagnostics;

namespace CkptFS.Client.Checkpoints;

/// <summary>
/// Saves checkpoints without stalling training for the upload: <see cref="SaveAsync"/> copies the
/// caller's buffers into memory it owns and returns; the shards are written and the step
/// committed in the background, and the returned handle completes when the checkpoint is
/// durable and committed. At most one save is in flight: a second call first waits for the one
/// before (that wait is part of its stall, so a checkpoint interval shorter than a save shows up
/// in the recorded cost). Memory: one copy of the checkpoint, kept between saves: the next save of
/// the same shapes copies into memory that is already mapped (a first copy into fresh memory runs at
/// page-fault speed, several times slower than a copy).
/// <code>
/// await using var saver = new AsyncCheckpointSaver(client, "/jobs/llama");
/// var handle = await saver.SaveAsync(step, [new ShardBuffer("rank-0.safetensors", bytes)]);
/// // ... training goes on; bytes may be overwritten ...
/// await handle.WaitAsync();   // or never: DisposeAsync waits for it
/// </code>
/// </summary>
public sealed class AsyncCheckpointSaver(CkptFsClient client, string job, CheckpointSaveOptions? options = null) : IAsyncDisposable
{
    /// <summary>Copies are kept in chunks: any shard size fits, and no single huge array is needed.</summary>
    private const int ChunkBytes = 64 * 1024 * 1024;

    private readonly CheckpointSaveOptions _options = options ?? new CheckpointSaveOptions();
    private readonly ChunkPool _chunks = new();
    private Task _inFlight = Task.CompletedTask;

    public async Task<CheckpointSaveHandle> SaveAsync(ulong step, IReadOnlyList<ShardBuffer> shards, CheckpointMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await WaitForInFlightAsync(cancellationToken);
        var copies = new ShardBuffer[shards.Count];
        var taken = new List<byte[]>[shards.Count];
        Parallel.For(0, shards.Count, i => copies[i] = new ShardBuffer(shards[i].Path, Copy(shards[i].Segments, taken[i] = [])));
        var stall = Stopwatch.GetElapsedTime(started);
        // The background save's own clock starts after the copy; the manifest records the stall as its blocking cost.
        var committed = Task.Run(async () =>
        {
            try
            {
                return await CheckpointSaver.SaveAsync(client, job, step, copies, metadata, _options, stall);
            }
            finally
            {
                _chunks.Return(taken.SelectMany(t => t));
            }
        });
        _inFlight = committed;
        return new CheckpointSaveHandle(step, stall, committed);
    }

    /// <summary>Waits for the save in flight, so that a process ending normally does not drop it.</summary>
    public async ValueTask DisposeAsync() => await WaitForInFlightAsync(CancellationToken.None);

    private async Task WaitForInFlightAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _inFlight.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // That save's handle reports its failure; it does not stop the next save.
        }
    }

    /// <summary>Copies the segments into chunks of at most <see cref="ChunkBytes"/>, taken from the pool when it has that size.</summary>
    private List<ReadOnlyMemory<byte>> Copy(IReadOnlyList<ReadOnlyMemory<byte>> segments, List<byte[]> taken)
    {
        var remaining = segments.Sum(s => (long)s.Length);
        var chunks = new List<ReadOnlyMemory<byte>>((int)((remaining + ChunkBytes - 1) / ChunkBytes));
        byte[]? chunk = null;
        var filled = 0;
        foreach (var segment in segments)
        {
            var rest = segment.Span;
            while (!rest.IsEmpty)
            {
                if (chunk is null || filled == chunk.Length)
                {
                    chunk = _chunks.Take((int)Math.Min(ChunkBytes, remaining));
                    remaining -= chunk.Length;
                    taken.Add(chunk);
                    chunks.Add(chunk);
                    filled = 0;
                }
                var take = Math.Min(rest.Length, chunk.Length - filled);
                rest[..take].CopyTo(chunk.AsSpan(filled));
                filled += take;
                rest = rest[take..];
            }
        }
        return chunks;
    }
}
