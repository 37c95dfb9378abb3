using CkptFS.Common;

namespace CkptFS.Storage.Files;

/// <summary>
/// Turns an operating-system failure into the <see cref="CkptFsException"/> callers act on: a full disk
/// (ENOSPC, or EDQUOT for a quota) becomes <see cref="ErrorCode.DiskFull"/>, which the RPC layer reports
/// as ResourceExhausted; anything else is a <see cref="ErrorCode.StorageFailure"/>. The message names the path.
/// </summary>
public static class FileErrors
{
    public static CkptFsException FromErrno(int errno, string operation, string path)
    {
        var reason = $"{System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
        return new CkptFsException(CodeFor(errno), $"Could not {operation} '{path}': {reason}");
    }

    /// <summary>
    /// .NET on Unix puts the raw errno in <see cref="Exception.HResult"/> of the IOException it throws
    /// for a failed write, which is the only structured trace of ENOSPC it leaves.
    /// </summary>
    public static CkptFsException FromIOException(IOException exception, string operation, string path)
    {
        return new CkptFsException(CodeFor(exception.HResult), $"Could not {operation} '{path}': {exception.Message}", exception);
    }

    private static ErrorCode CodeFor(int errno)
    {
        return errno is LibC.ErrorNoSpace or LibC.ErrorQuotaExceeded ? ErrorCode.DiskFull : ErrorCode.StorageFailure;
    }
}
