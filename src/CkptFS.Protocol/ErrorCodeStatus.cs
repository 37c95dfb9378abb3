using CkptFS.Common;
using Grpc.Core;

namespace CkptFS.Protocol;

/// <summary>
/// The one table from <see cref="ErrorCode"/> to the gRPC status a failed call carries. The exact
/// code travels too (the <c>ckptfs-error-code</c> trailer), so the SDK rebuilds the same exception;
/// the status is for generic gRPC tools and for retry policy (Unavailable is the transient one).
/// </summary>
public static class ErrorCodeStatus
{
    /// <summary>The trailer that carries the exact <see cref="ErrorCode"/> number of a failed call.</summary>
    public const string ErrorCodeTrailer = "ckptfs-error-code";

    public static StatusCode ToStatusCode(ErrorCode code) => code switch
    {
        ErrorCode.InvalidPath or ErrorCode.InvalidArgument or ErrorCode.InvalidRename
            => StatusCode.InvalidArgument,

        ErrorCode.FileNotFound or ErrorCode.BlockNotFound or ErrorCode.CheckpointNotFound
            => StatusCode.NotFound,

        ErrorCode.FileAlreadyExists => StatusCode.AlreadyExists,

        ErrorCode.LeaseHeldByOther or ErrorCode.ParentNotDirectory or ErrorCode.NotADirectory
            or ErrorCode.IsADirectory or ErrorCode.DirectoryNotEmpty or ErrorCode.LeaseNotHeld
            or ErrorCode.FileNotUnderConstruction or ErrorCode.CheckpointIncomplete
            or ErrorCode.StaleGenerationStamp or ErrorCode.RecoveryInProgress
            => StatusCode.FailedPrecondition,

        ErrorCode.SafeMode or ErrorCode.NotEnoughDataNodes or ErrorCode.Unavailable or ErrorCode.NotEnoughReplicas
            => StatusCode.Unavailable,

        // Raised by clients only, as gRPC itself reports a failed handshake.
        ErrorCode.TlsMismatch => StatusCode.Unavailable,

        ErrorCode.DiskFull or ErrorCode.QuotaExceeded => StatusCode.ResourceExhausted,

        ErrorCode.ChecksumMismatch or ErrorCode.StorageCorrupt or ErrorCode.BlockMissing
            => StatusCode.DataLoss,

        ErrorCode.InvalidAccessToken or ErrorCode.PermissionDenied => StatusCode.PermissionDenied,
        ErrorCode.Unauthenticated or ErrorCode.DataNodeNotAuthenticated => StatusCode.Unauthenticated,
        ErrorCode.DeadlineExceeded => StatusCode.DeadlineExceeded,
        ErrorCode.Cancelled => StatusCode.Cancelled,

        // None (an exception always means failure), LeaseExpired, DataNodeNotRegistered,
        // StorageFailure, Internal and any code added later without a row here: the safe default
        // says "server-side fault", never "retry me".
        _ => StatusCode.Internal,
    };
}
