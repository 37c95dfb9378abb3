using CkptFS.Common;
using CkptFS.Protocol;
using Grpc.Core;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.NameNodeLink;

public sealed partial class NameNodeLink
{
    /// <summary>
    /// Tells the NameNode the outcome of a block recovery this node led (the recovery worker calls it).
    /// A transient failure (the NameNode unreachable, restarting, in safe mode, or slow to answer) is
    /// retried with the link's back-off until the call succeeds or <paramref name="cancellationToken"/>
    /// fires; any other failure (the NameNode refused the commit) is thrown. A retry may reach a NameNode
    /// that applied an earlier attempt whose answer was lost: the request is the same each time.
    /// </summary>
    public async Task CommitBlockSynchronizationAsync(CommitBlockSynchronizationRequest request, CancellationToken cancellationToken)
    {
        var backoff = _options.ReconnectBackoffInitial;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _namenode.CommitBlockSynchronizationAsync(request, Call(cancellationToken));
                return;
            }
            catch (Exception exception) when (IsTransient(exception) && !cancellationToken.IsCancellationRequested)
            {
                LogCommitRetry(exception, request.Block?.BlockId ?? 0, request.NewGenerationStamp, attempt, backoff);
            }
            await Task.Delay(backoff, _time, cancellationToken);
            backoff = NextBackoff(backoff);
        }
    }

    private static bool IsTransient(Exception exception) =>
        exception is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded }
            or CkptFsException { Code: ErrorCode.Unavailable or ErrorCode.SafeMode or ErrorCode.DeadlineExceeded };
}
