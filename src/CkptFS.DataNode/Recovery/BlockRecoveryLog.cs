using CkptFS.Common;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.Recovery;

/// <summary>Log messages of the block recoveries this node leads (event ids 46xx).</summary>
internal static partial class BlockRecoveryLog
{
    [LoggerMessage(EventId = 4601, Level = LogLevel.Information, Message = "Recover command: {Recoveries} block recoveries queued")]
    public static partial void Queued(ILogger logger, int recoveries);

    [LoggerMessage(EventId = 4602, Level = LogLevel.Warning, Message = "Recovery {RecoveryId} of {BlockId} dropped: {Queued} recoveries are already waiting; the NameNode starts it again")]
    public static partial void Dropped(ILogger logger, ulong recoveryId, BlockId blockId, int queued);

    [LoggerMessage(EventId = 4603, Level = LogLevel.Debug, Message = "Recovery {RecoveryId} of {BlockId} is already running here; the repeated command is ignored")]
    public static partial void AlreadyRunning(ILogger logger, ulong recoveryId, BlockId blockId);

    [LoggerMessage(EventId = 4604, Level = LogLevel.Warning, Message = "Recovery {RecoveryId} of {BlockId}: {Op} on {DataNode} failed ({Code}), that replica is left out: {Reason}")]
    public static partial void ReplicaLeftOut(ILogger logger, ulong recoveryId, BlockId blockId, string op, string dataNode, ErrorCode code, string reason);

    [LoggerMessage(EventId = 4605, Level = LogLevel.Warning, Message = "Recovery {RecoveryId} of {BlockId} not committed: {Reason}; the NameNode starts another after its recovery timeout")]
    public static partial void NotCommitted(ILogger logger, ulong recoveryId, BlockId blockId, string reason);

    [LoggerMessage(EventId = 4606, Level = LogLevel.Information, Message = "Recovery {RecoveryId} of {BlockId} committed: {Bytes} bytes on {Targets} ({Reason})")]
    public static partial void Committed(ILogger logger, ulong recoveryId, BlockId blockId, long bytes, string targets, string reason);

    [LoggerMessage(EventId = 4609, Level = LogLevel.Information, Message = "Recovery {RecoveryId} of {BlockId} committed: the block is dropped from its file ({Reason})")]
    public static partial void CommittedDelete(ILogger logger, ulong recoveryId, BlockId blockId, string reason);

    [LoggerMessage(EventId = 4607, Level = LogLevel.Error, Message = "Recovery {RecoveryId} of {BlockId} failed; the NameNode starts another after its recovery timeout")]
    public static partial void Failed(ILogger logger, Exception exception, ulong recoveryId, BlockId blockId);

    [LoggerMessage(EventId = 4608, Level = LogLevel.Information, Message = "Recovery {RecoveryId} of {BlockId} cancelled: the DataNode is stopping")]
    public static partial void Cancelled(ILogger logger, ulong recoveryId, BlockId blockId);
}
