using CkptFS.Common;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.Replication;

/// <summary>Log messages of re-replication copies (event ids 45xx).</summary>
internal static partial class BlockTransferLog
{
    [LoggerMessage(EventId = 4501, Level = LogLevel.Information, Message = "Copied {BlockId} ({Bytes} bytes) to {Targets} in {Elapsed}")]
    public static partial void Copied(ILogger logger, BlockId blockId, long bytes, string targets, TimeSpan elapsed);

    [LoggerMessage(EventId = 4502, Level = LogLevel.Warning, Message = "Copy of {BlockId} to {Targets} failed; the NameNode schedules it again")]
    public static partial void CopyFailed(ILogger logger, Exception exception, BlockId blockId, string targets);

    [LoggerMessage(EventId = 4503, Level = LogLevel.Warning, Message = "Copy of {BlockId} dropped: {Queued} copies are already waiting; the NameNode schedules it again")]
    public static partial void Dropped(ILogger logger, BlockId blockId, int queued);

    [LoggerMessage(EventId = 4505, Level = LogLevel.Information, Message = "Copy of {BlockId} to {Targets} cancelled: the DataNode is stopping")]
    public static partial void Cancelled(ILogger logger, BlockId blockId, string targets);

    [LoggerMessage(EventId = 4504, Level = LogLevel.Information, Message = "Replicate command: {Transfers} copies queued")]
    public static partial void Queued(ILogger logger, int transfers);
}
