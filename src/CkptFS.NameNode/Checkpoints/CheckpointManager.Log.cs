using CkptFS.Common;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Checkpoints;

public sealed partial class CheckpointManager
{
    private void LogCollected(FsPath job, CollectOutcome outcome)
    {
        if (!outcome.IsEmpty)
        {
            LogCollectedSteps(_logger, job.Value, Steps(outcome.RetentionDeleted), Steps(outcome.PendingCollected), Steps(outcome.RecordsDropped));
        }
    }

    private static string Steps(IReadOnlyList<ulong> steps) => steps.Count == 0 ? "none" : string.Join(",", steps);

    [LoggerMessage(Level = LogLevel.Information, Message = "Committed checkpoint step {Step} of {Job}: {Shards} shards, {Bytes} bytes; latest moved: {LatestMoved}")]
    private static partial void LogCommitted(ILogger logger, string job, ulong step, int shards, long bytes, bool latestMoved);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpoints of {Job}: retention deleted steps {RetentionDeleted}; abandoned pending steps collected {PendingCollected}; records of removed folders dropped {RecordsDropped}")]
    private static partial void LogCollectedSteps(ILogger logger, string job, string retentionDeleted, string pendingCollected, string recordsDropped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted checkpoint step {Step} of {Job}; latest is now {Latest}")]
    private static partial void LogDeleted(ILogger logger, string job, ulong step, ulong? latest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention of {Job} set: {Retention}")]
    private static partial void LogRetentionSet(ILogger logger, string job, string retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention after the commit of a checkpoint of {Job} failed; the janitor will retry")]
    private static partial void LogRetentionFailed(ILogger logger, string job, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpoint housekeeping of {Job} failed; the next scan retries")]
    private static partial void LogCollectFailed(ILogger logger, string job, Exception exception);
}
