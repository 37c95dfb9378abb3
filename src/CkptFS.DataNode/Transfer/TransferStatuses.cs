using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Transfer;

/// <summary>How a failure is told to the peer: the TransferStatus for the ErrorCode, and the failed response.</summary>
internal static class TransferStatuses
{
    public static TransferStatus For(ErrorCode code) => code switch
    {
        ErrorCode.InvalidAccessToken => TransferStatus.ErrorAccessToken,
        ErrorCode.ChecksumMismatch => TransferStatus.ErrorChecksum,
        ErrorCode.StaleGenerationStamp => TransferStatus.ErrorExists,
        ErrorCode.DiskFull => TransferStatus.ErrorDiskFull,
        ErrorCode.InvalidArgument => TransferStatus.ErrorInvalid,
        _ => TransferStatus.Error,
    };

    public static BlockOpResponse Failure(CkptFsException exception, string firstBadLink = "") => new()
    {
        Status = For(exception.Code),
        Message = exception.Message,
        ErrorCode = (uint)exception.Code,
        FirstBadLink = firstBadLink,
    };

    public static string Address(DatanodeId node) => $"{node.Host}:{node.TransferPort}";
}
