using CkptFS.Common;
using Grpc.Core;
using Xunit;

namespace CkptFS.Protocol.Tests;

public sealed class ErrorCodeStatusTests
{
    /// <summary>The expected row of every ErrorCode; a code added to the enum fails the test until it gets one here.</summary>
    private static readonly Dictionary<ErrorCode, StatusCode> s_expected = new()
    {
        [ErrorCode.None] = StatusCode.Internal,
        [ErrorCode.InvalidPath] = StatusCode.InvalidArgument,
        [ErrorCode.FileNotFound] = StatusCode.NotFound,
        [ErrorCode.FileAlreadyExists] = StatusCode.AlreadyExists,
        [ErrorCode.ParentNotDirectory] = StatusCode.FailedPrecondition,
        [ErrorCode.NotADirectory] = StatusCode.FailedPrecondition,
        [ErrorCode.IsADirectory] = StatusCode.FailedPrecondition,
        [ErrorCode.DirectoryNotEmpty] = StatusCode.FailedPrecondition,
        [ErrorCode.InvalidRename] = StatusCode.InvalidArgument,
        [ErrorCode.InvalidArgument] = StatusCode.InvalidArgument,
        [ErrorCode.FileNotUnderConstruction] = StatusCode.FailedPrecondition,
        [ErrorCode.QuotaExceeded] = StatusCode.ResourceExhausted,
        [ErrorCode.LeaseHeldByOther] = StatusCode.FailedPrecondition,
        [ErrorCode.LeaseNotHeld] = StatusCode.FailedPrecondition,
        [ErrorCode.RecoveryInProgress] = StatusCode.FailedPrecondition,
        [ErrorCode.LeaseExpired] = StatusCode.Internal,
        [ErrorCode.BlockNotFound] = StatusCode.NotFound,
        [ErrorCode.NotEnoughDataNodes] = StatusCode.Unavailable,
        [ErrorCode.StaleGenerationStamp] = StatusCode.FailedPrecondition,
        [ErrorCode.ChecksumMismatch] = StatusCode.DataLoss,
        [ErrorCode.NotEnoughReplicas] = StatusCode.Unavailable,
        [ErrorCode.BlockMissing] = StatusCode.DataLoss,
        [ErrorCode.DiskFull] = StatusCode.ResourceExhausted,
        [ErrorCode.DataNodeNotRegistered] = StatusCode.Internal,
        [ErrorCode.InvalidAccessToken] = StatusCode.PermissionDenied,
        [ErrorCode.Unauthenticated] = StatusCode.Unauthenticated,
        [ErrorCode.PermissionDenied] = StatusCode.PermissionDenied,
        [ErrorCode.StorageCorrupt] = StatusCode.DataLoss,
        [ErrorCode.StorageFailure] = StatusCode.Internal,
        [ErrorCode.CheckpointNotFound] = StatusCode.NotFound,
        [ErrorCode.CheckpointIncomplete] = StatusCode.FailedPrecondition,
        [ErrorCode.DataNodeNotAuthenticated] = StatusCode.Unauthenticated,
        [ErrorCode.SafeMode] = StatusCode.Unavailable,
        [ErrorCode.Unavailable] = StatusCode.Unavailable,
        [ErrorCode.DeadlineExceeded] = StatusCode.DeadlineExceeded,
        [ErrorCode.Cancelled] = StatusCode.Cancelled,
        [ErrorCode.TlsMismatch] = StatusCode.Unavailable,
        [ErrorCode.Internal] = StatusCode.Internal,
    };

    [Fact]
    public void EveryErrorCodeMapsToItsStatus()
    {
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            Assert.True(s_expected.TryGetValue(code, out var expected), $"ErrorCode.{code} has no expected status in this test");
            Assert.Equal(expected, ErrorCodeStatus.ToStatusCode(code));
        }
    }

    [Fact]
    public void NoErrorCodeMapsToOk()
    {
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            Assert.NotEqual(StatusCode.OK, ErrorCodeStatus.ToStatusCode(code));
        }
    }
}
