using CkptFS.Common;

namespace CkptFS.Protocol.DataTransfer;

/// <summary>
/// The peer broke the data transfer protocol (wrong version or op, a length over a limit, a message
/// that does not parse, a frame cut short). The connection cannot be trusted after it: close it.
/// </summary>
public sealed class DataTransferProtocolException : CkptFsException
{
    public DataTransferProtocolException(string message)
        : base(ErrorCode.InvalidArgument, message)
    {
    }

    public DataTransferProtocolException(string message, Exception? innerException)
        : base(ErrorCode.InvalidArgument, message, innerException)
    {
    }
}
