using CkptFS.Common;
using Grpc.Core;

namespace CkptFS.Mount;

/// <summary>
/// The one table from CkptFS failures to the errno a Linux program expects (the README's Mount
/// section shows the same table). Callbacks return the negative value.
/// </summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int EFBIG = 27;
    public const int ENOSPC = 28;
    public const int EROFS = 30;
    public const int ENAMETOOLONG = 36;
    public const int ENOSYS = 38;
    public const int ENOTEMPTY = 39;
    public const int ENODATA = 61;
    public const int EOPNOTSUPP = 95;
    public const int ETIMEDOUT = 110;
    public const int EDQUOT = 122;

    /// <summary>The errno for a CkptFS error code.</summary>
    public static int FromCode(ErrorCode code) => code switch
    {
        ErrorCode.FileNotFound or ErrorCode.CheckpointNotFound => ENOENT,
        ErrorCode.FileAlreadyExists => EEXIST,
        ErrorCode.ParentNotDirectory or ErrorCode.NotADirectory => ENOTDIR,
        ErrorCode.IsADirectory => EISDIR,
        ErrorCode.DirectoryNotEmpty => ENOTEMPTY,
        ErrorCode.InvalidPath or ErrorCode.InvalidRename or ErrorCode.InvalidArgument => EINVAL,
        ErrorCode.LeaseHeldByOther or ErrorCode.RecoveryInProgress => EBUSY,
        ErrorCode.DiskFull => ENOSPC,
        ErrorCode.QuotaExceeded => EDQUOT,
        ErrorCode.InvalidAccessToken or ErrorCode.Unauthenticated => EACCES,
        ErrorCode.PermissionDenied => EPERM,
        ErrorCode.CheckpointIncomplete => EIO,
        _ => EIO,
    };

    /// <summary>The errno for any failure a call can end with: CkptFS errors by their code, the rest EIO.</summary>
    public static int FromException(Exception exception) => exception switch
    {
        MountRefusal refusal => refusal.Errno,
        CkptFsException e => FromCode(e.Code),
        RpcException { StatusCode: StatusCode.NotFound } => ENOENT,
        RpcException { StatusCode: StatusCode.AlreadyExists } => EEXIST,
        RpcException { StatusCode: StatusCode.PermissionDenied } => EACCES,
        AggregateException { InnerExceptions.Count: 1 } aggregate => FromException(aggregate.InnerExceptions[0]),
        _ => EIO,
    };
}

/// <summary>A refusal the mount itself decides (not the NameNode), with its errno and the reason for the log.</summary>
public sealed class MountRefusal(int errno, string message) : Exception(message)
{
    public int Errno { get; } = errno;
}
