using CkptFS.Common;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.BlockStore;

public sealed partial class BlockStore
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Volume {Volume} ({StorageId}) loaded: {FinalizedCount} finalized and {RbwCount} rbw replicas, {UsedBytes} bytes")]
    private static partial void LogVolumeLoaded(ILogger logger, string volume, string storageId, int finalizedCount, int rbwCount, long usedBytes);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Rbw replica {BlockId} (genstamp {GenerationStamp}) kept with {VerifiedBytes} verified bytes on {Volume}")]
    private static partial void LogRbwLoaded(ILogger logger, BlockId blockId, GenerationStamp generationStamp, long verifiedBytes, string volume);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Replica {BlockId} set aside in corrupt/ of {Volume}: {Problem}")]
    private static partial void LogSetAside(ILogger logger, string blockId, string problem, string volume);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Debug, Message = "Replica {BlockId} (genstamp {GenerationStamp}) finalized with {Bytes} bytes on {Volume}")]
    private static partial void LogFinalized(ILogger logger, BlockId blockId, GenerationStamp generationStamp, long bytes, string volume);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Replica {BlockId} (genstamp {GenerationStamp}, {State}) deleted from {Volume}")]
    private static partial void LogDeleted(ILogger logger, BlockId blockId, GenerationStamp generationStamp, ReplicaState state, string volume);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Information, Message = "Replica {BlockId} (genstamp {GenerationStamp}) discarded after {Bytes} bytes")]
    private static partial void LogDiscarded(ILogger logger, BlockId blockId, GenerationStamp generationStamp, long bytes);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Information, Message = "Replica {BlockId} genstamp {OldGenerationStamp} replaced by a new write at genstamp {GenerationStamp}")]
    private static partial void LogReplaced(ILogger logger, BlockId blockId, GenerationStamp oldGenerationStamp, GenerationStamp generationStamp);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Error, Message = "A ReplicaChanged handler failed on {BlockId} ({Kind})")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, BlockId blockId, IncrementalBlockReportRequest.Types.Kind kind);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Information, Message = "Stopping the writer of {BlockId} for {Purpose}")]
    private static partial void LogStoppingWriter(ILogger logger, BlockId blockId, string purpose);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Information, Message = "Replica {BlockId} under block recovery {RecoveryId}: {State}, genstamp {GenerationStamp}, {VerifiedBytes} verified of {BytesOnDisk} bytes")]
    private static partial void LogUnderRecovery(ILogger logger, BlockId blockId, ulong recoveryId, ReplicaState state, GenerationStamp generationStamp, long verifiedBytes, long bytesOnDisk);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Replica {BlockId} recovered: finalized with {Bytes} bytes at genstamp {RecoveryId} (the recovery id)")]
    private static partial void LogRecovered(ILogger logger, BlockId blockId, ulong recoveryId, long bytes);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Information, Message = "Replica {BlockId} continues from genstamp {OldGenerationStamp} at genstamp {GenerationStamp} with {Bytes} acknowledged bytes (streaming recovery)")]
    private static partial void LogStreamingRecovery(ILogger logger, BlockId blockId, GenerationStamp oldGenerationStamp, GenerationStamp generationStamp, long bytes);
}
