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
/// page-fault speed, several times slower than a copy). <see cref="ReserveAsync"/> maps that memory at
/// start-up, so that the first save stalls no longer than the next ones.
/// <code>
/// await using var saver = new AsyncCheckpointSaver(client, "/jobs/llama");
/// await saver.ReserveAsync([bytes.Length]);   // at start-up: the shard sizes this process saves
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

    /// <summary>
    /// Allocates and faults in now the memory that a save of shards of these sizes copies into, and
    /// keeps it for the saves to come. Without it the first save's copy waits for the kernel to map
    /// and zero every page (and, on a machine whose page cache is full, to reclaim it first): as
    /// long a stall as a synchronous save was measured. Call it once at start-up with the sizes of the
    /// shards this process will save (more memory is taken as needed if the shapes grow).
    /// </summary>
    public Task ReserveAsync(IReadOnlyList<long> shardBytes, CancellationToken cancellationToken = default) =>
        Task.Run(() => Parallel.ForEach(shardBytes.SelectMany(ChunkLengths), new ParallelOptions { CancellationToken = cancellationToken }, _chunks.Reserve), cancellationToken);

    /// <summary>Bytes of copy memory held for the next save (reserved, or kept from the last one).</summary>
    public long ReservedBytes => _chunks.FreeBytes;

    /// <summary>Copy chunks allocated during saves because none was free: 0 after a reservation of the shapes saved.</summary>
    public long ChunksAllocated => _chunks.Allocated;

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

    /// <summary>How a shard of <paramref name="bytes"/> is cut into copy chunks: <see cref="ChunkBytes"/> each, the last one shorter.</summary>
    private static IEnumerable<int> ChunkLengths(long bytes)
    {
        for (var remaining = bytes; remaining > 0; remaining -= ChunkBytes)
        {
            yield return (int)Math.Min(ChunkBytes, remaining);
        }
    }

    /// <summary>Copies the segments into chunks cut as <see cref="ChunkLengths"/> says, taken from the pool when it has that size.</summary>
    private List<ReadOnlyMemory<byte>> Copy(IReadOnlyList<ReadOnlyMemory<byte>> segments, List<byte[]> taken)
    {
        using var lengths = ChunkLengths(segments.Sum(s => (long)s.Length)).GetEnumerator();
        var chunks = new List<ReadOnlyMemory<byte>>();
        byte[]? chunk = null;
        var filled = 0;
        foreach (var segment in segments)
        {
            var rest = segment.Span;
            while (!rest.IsEmpty)
            {
                if (chunk is null || filled == chunk.Length)
                {
                    lengths.MoveNext();
                    chunk = _chunks.Take(lengths.Current);
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
