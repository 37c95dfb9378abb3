using CkptFS.Common;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.Transfer;

/// <summary>Log messages of the data transfer server (event ids 42xx).</summary>
internal static partial class TransferLog
{
    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Data transfer server listening on {BindAddress}:{Port} ({Security}), max {MaxTransfers} transfers, socket timeout {SocketTimeout}")]
    public static partial void Started(ILogger logger, string bindAddress, int port, string security, int maxTransfers, TimeSpan socketTimeout);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Connection from {Peer} refused: all {MaxTransfers} transfer slots are busy")]
    public static partial void TooManyTransfers(ILogger logger, string peer, int maxTransfers);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "Connection from {Peer} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string peer, string reason);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Error, Message = "Connection from {Peer} failed")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, string peer);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Warning, Message = "{Op} of {BlockId} from {Peer} refused: {Status} {Reason}")]
    public static partial void Refused(ILogger logger, DataTransferOp op, BlockId blockId, string peer, TransferStatus status, string reason);

    [LoggerMessage(EventId = 4206, Level = LogLevel.Warning, Message = "Mirror {Mirror} of {BlockId} failed: {Reason}")]
    public static partial void MirrorFailed(ILogger logger, string mirror, BlockId blockId, string reason);

    [LoggerMessage(EventId = 4207, Level = LogLevel.Warning, Message = "Packet {Seqno} of {BlockId} from {Peer} failed its checksum at chunk {Chunk}: replica discarded")]
    public static partial void ChecksumMismatch(ILogger logger, long seqno, BlockId blockId, string peer, int chunk);

    [LoggerMessage(EventId = 4208, Level = LogLevel.Debug, Message = "Received {BlockId}: {Bytes} bytes from {Peer}, mirrors {Mirrors}")]
    public static partial void Received(ILogger logger, BlockId blockId, long bytes, string peer, int mirrors);

    [LoggerMessage(EventId = 4209, Level = LogLevel.Warning, Message = "Client {Peer} reports a checksum error reading {BlockId} at [{Offset}, {End}) from this node")]
    public static partial void ClientChecksumError(ILogger logger, string peer, BlockId blockId, long offset, long end);

    [LoggerMessage(EventId = 4210, Level = LogLevel.Warning, Message = "Write of {BlockId} from {Peer} failed: {Reason}")]
    public static partial void WriteFailed(ILogger logger, BlockId blockId, string peer, string reason);

    [LoggerMessage(EventId = 4211, Level = LogLevel.Information, Message = "Write of {BlockId} from {Peer} stopped after {Bytes} bytes: a recovery took the replica over")]
    public static partial void WriterStopped(ILogger logger, BlockId blockId, string peer, long bytes);

    [LoggerMessage(EventId = 4212, Level = LogLevel.Information, Message = "Transferred {Bytes} bytes of rbw {BlockId} (genstamp {GenerationStamp}) to {Targets} for {Client}")]
    public static partial void Transferred(ILogger logger, BlockId blockId, long bytes, ulong generationStamp, string targets, string client);

    [LoggerMessage(EventId = 4213, Level = LogLevel.Warning, Message = "Transfer of {BlockId} to {Targets} failed at target {BadTarget}: {Reason}")]
    public static partial void TransferFailed(ILogger logger, BlockId blockId, string targets, string badTarget, string reason);

    [LoggerMessage(EventId = 4214, Level = LogLevel.Information, Message = "Stopping for a restart: new writes refused; waiting up to {Timeout} for {Writes} writes in flight ({Connections} connections open)")]
    public static partial void Draining(ILogger logger, int writes, int connections, TimeSpan timeout);

    [LoggerMessage(EventId = 4215, Level = LogLevel.Information, Message = "Drained in {Elapsed}: {Writes} writes were in flight, {WritesLeft} still are; {ConnectionsLeft} connections left to cut")]
    public static partial void Drained(ILogger logger, int writes, TimeSpan elapsed, int writesLeft, int connectionsLeft);
}
