using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Protocol.DataTransfer;

/// <summary>
/// A TRANSFER_BLOCK failed. <see cref="BadTarget"/> is the target that failed (connect, setup or an ack),
/// to leave out of the next GetAdditionalDatanode; null when the source refused or failed (it holds no
/// such replica, too few bytes, a corrupt chunk, a bad token, or it could not be reached): then pick
/// another surviving node as the source. <see cref="CkptFsException.Code"/> is the DataNode's ErrorCode.
/// </summary>
public sealed class TransferBlockException : CkptFsException
{
    public TransferBlockException(ErrorCode code, DatanodeId? badTarget, string message, Exception? innerException = null)
        : base(code, message, innerException)
    {
        BadTarget = badTarget;
    }

    /// <summary>The target that failed, or null when the failure is the source's.</summary>
    public DatanodeId? BadTarget { get; }
}
