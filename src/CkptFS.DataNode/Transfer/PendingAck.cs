using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Transfer;

/// <summary>A packet stored (or refused) by the receiver, waiting for its ack: what the responder needs of it.</summary>
internal readonly record struct PendingAck(long Seqno, long EndOffset, bool Last, TransferStatus Status);
