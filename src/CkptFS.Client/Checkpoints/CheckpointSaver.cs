using System.Diagnostics;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.Checkpoints;

/// <summary>
/// A whole checkpoint saved from memory by one process: begin the step, write its shards
/// (<see cref="CheckpointSaveOptions.ParallelShards"/> at once), commit. The caller waits for all of
/// it; <see cref="AsyncCheckpointSaver"/> runs the same in the background after a copy.
/// </summary>
public static class CheckpointSaver
{
    /// <summary>
    /// Saves and commits step <paramref name="step"/>. <paramref name="blocking"/> is what the
    /// manifest records as the training loop's stall; by default the whole save.
    /// </summary>
    public static async Task<CheckpointInfo> SaveAsync(CkptFsClient client, string job, ulong step, IReadOnlyList<ShardBuffer> shards,
        CheckpointMetadata? metadata = null, CheckpointSaveOptions? options = null, TimeSpan? blocking = null, CancellationToken cancellationToken = default)
    {
        options ??= new CheckpointSaveOptions();
        var started = Stopwatch.GetTimestamp();
        var writer = await CheckpointWriter.BeginAsync(client, job, step, writeShardRecords: false, cancellationToken);
        var create = new CreateFileOptions { Replication = options.Replication, BlockSizeBytes = options.BlockSizeBytes };
        await Parallel.ForEachAsync(shards, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.ParallelShards), CancellationToken = cancellationToken },
            async (shard, token) =>
            {
                await using var output = await writer.CreateShardAsync(shard.Path, create with { AllocateFirstBlock = shard.Length > 0 }, token);
                foreach (var segment in shard.Segments)
                {
                    await output.WriteAsync(segment, token);
                }
                await output.CompleteAsync(token);
            });
        var total = Stopwatch.GetElapsedTime(started);
        var timings = new SaveTimings(blocking ?? total, total);
        return (await CheckpointCommitter.CommitAsync(client, job, step, writer.Shards, metadata, timings, cancellationToken)).Checkpoint;
    }
}
