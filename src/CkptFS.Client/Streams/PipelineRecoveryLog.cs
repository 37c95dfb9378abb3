using CkptFS.Common;
using Microsoft.Extensions.Logging;

namespace CkptFS.Client.Streams;

/// <summary>What the write path logs when a DataNode fails under it, at Warning (the write goes on, a DataNode did not): each recovery, each failed attempt, each abandoned setup.</summary>
internal static partial class PipelineRecoveryLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning,
        Message = "Recovered the pipeline of {Block} of {Path}: [{Before}] -> [{After}], genstamp {OldGenerationStamp} -> {NewGenerationStamp}, " +
                  "{BytesAcknowledged} bytes acknowledged, {Resent} packets resent (attempt {Attempt}; {Failure})")]
    public static partial void Recovered(ILogger logger, BlockId block, string path, string before, string after,
        GenerationStamp oldGenerationStamp, GenerationStamp newGenerationStamp, long bytesAcknowledged, int resent, int attempt, string failure);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning,
        Message = "Pipeline recovery attempt {Attempt} of {Block} of {Path} failed setting up [{Pipeline}]: {Reason}")]
    public static partial void AttemptFailed(ILogger logger, BlockId block, string path, int attempt, string pipeline, string reason);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning,
        Message = "The pipeline of {Block} of {Path} failed on its last packet, after every node acknowledged all {Bytes} bytes, and only [{Holders}] are left, " +
                  "which finalized it: the block ends there as it is and the NameNode re-replicates it ({Failures})")]
    public static partial void FinishedOnFinalized(ILogger logger, BlockId block, string path, string holders, long bytes, string failures);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning,
        Message = "Could not set up a pipeline for the new block {Block} of {Path} (attempt {Attempt} of {Attempts}): abandoned it, asking for another without {Node} ({Reason})")]
    public static partial void SetupAbandoned(ILogger logger, BlockId block, string path, string node, int attempt, int attempts, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning,
        Message = "The pipeline of {Block} of {Path} is down to {Survivors} of {Replication} DataNodes and the replacement policy asks for {Wanted} more, " +
                  "but none could be added ({Reason}): going on with the survivors; the NameNode re-replicates the block once it is complete")]
    public static partial void ReplacementSkipped(ILogger logger, BlockId block, string path, int survivors, int replication, int wanted, string reason);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning,
        Message = "Added [{Added}] to the pipeline of {Block} of {Path} in place of the lost DataNodes: {Source} copied them the {Bytes} bytes acknowledged so far")]
    public static partial void Replaced(ILogger logger, BlockId block, string path, string added, string source, long bytes);
}
