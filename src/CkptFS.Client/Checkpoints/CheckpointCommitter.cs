using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.Common.Faults;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.Checkpoints;

/// <summary>
/// The coordinator's side: once every rank has completed its shards, one process commits the step.
/// Two ways to know the shards:
/// - <see cref="CommitAsync"/>: the coordinator gathered every rank's <see cref="ShardEntry"/>
///   (e.g. with a collective of the training framework, or because it wrote them all itself);
/// - <see cref="CommitFromShardRecordsAsync"/>: ranks are separate processes that share nothing
///   but CkptFS; the coordinator lists the pending folder (sizes from the namespace) and takes each
///   shard's CRC32C and tensors from the record its rank left (<see cref="ShardRecords"/>).
/// The NameNode checks the shards again and publishes the step in one transaction.
/// </summary>
public static class CheckpointCommitter
{
    public static async Task<CommitCheckpointResponse> CommitAsync(CkptFsClient client, string job, ulong step, IEnumerable<ShardEntry> shards,
        CheckpointMetadata? metadata = null, SaveTimings? timings = null, CancellationToken cancellationToken = default)
    {
        var manifest = (metadata ?? new CheckpointMetadata()).ToManifest(step, shards, timings?.Blocking ?? TimeSpan.Zero, timings?.Total ?? TimeSpan.Zero);
        // Crash here: every shard is durable, nothing is committed; the step stays pending until collected.
        FaultPoints.Hit(FaultPoint.ClientBeforeCheckpointCommit);
        return await client.CommitCheckpointAsync(job, manifest, cancellationToken);
    }

    /// <summary>
    /// Commits every file of the pending step, with the entries their ranks recorded.
    /// <paramref name="expectedShards"/>, when given, is how many shards the step must have: fewer
    /// means a rank has not created its shard (or died before it did), and the commit is refused.
    /// A file still open for write is sent as it is, so that the NameNode names it and its writer.
    /// </summary>
    public static async Task<CommitCheckpointResponse> CommitFromShardRecordsAsync(CkptFsClient client, string job, ulong step,
        CheckpointMetadata? metadata = null, int? expectedShards = null, SaveTimings? timings = null, CancellationToken cancellationToken = default)
    {
        var pending = CheckpointNames.Pending(FsPath.Parse(job), step);
        if (await client.TryGetFileInfoAsync(pending.Value, cancellationToken) is null)
        {
            throw new CkptFsException(ErrorCode.CheckpointNotFound, $"Cannot commit step {step} of {job}: nothing was written to {pending} (no rank began this step).");
        }
        var records = await ShardRecords.ReadAllAsync(client, pending, cancellationToken);
        var shards = new List<ShardEntry>();
        var problems = new List<string>();
        await foreach (var (relative, file) in PendingFilesAsync(client, pending.Value, string.Empty, cancellationToken))
        {
            if (file.UnderConstruction)
            {
                shards.Add(new ShardEntry { Path = relative, Size = file.Length });
            }
            else if (!records.TryGetValue(relative, out var record))
            {
                problems.Add($"{relative} has no shard record: its rank did not complete it (write it again from its rank)");
            }
            else if (record.Size != file.Length)
            {
                problems.Add($"{relative} is {file.Length} bytes but its rank recorded {record.Size} (write it again from its rank)");
            }
            else
            {
                shards.Add(record);
            }
        }
        if (expectedShards is { } expected && shards.Count + problems.Count < expected)
        {
            problems.Add($"{expected} shards were expected but {pending} holds {shards.Count + problems.Count} (a rank has not started its shard, or died before it did)");
        }
        if (problems.Count > 0)
        {
            throw new CkptFsException(ErrorCode.CheckpointIncomplete, $"Cannot commit step {step} of {job}: {string.Join("; ", problems)}.");
        }
        return await CommitAsync(client, job, step, shards, metadata, timings, cancellationToken);
    }

    private static async IAsyncEnumerable<(string Relative, FileStatus File)> PendingFilesAsync(CkptFsClient client, string folder, string prefix,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in client.ListAsync(folder, cancellationToken))
        {
            var name = entry.Path[(entry.Path.LastIndexOf('/') + 1)..];
            if (prefix.Length == 0 && name == CheckpointNames.ShardRecordsFolder)
            {
                continue;
            }
            if (entry.Type == FileType.Directory)
            {
                await foreach (var inner in PendingFilesAsync(client, entry.Path, prefix + name + "/", cancellationToken))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return (prefix + name, entry);
            }
        }
    }
}
