using CkptFS.Common;
using CkptFS.Protocol;
using CkptFS.Protocol.V1;

namespace CkptFS.Client;

/// <summary>
/// Taking over a file whose writer is gone (HDFS recoverLease). The NameNode recovers the file's last
/// block (the longest prefix every good replica holds, under a new genstamp that fences the old
/// writer) and closes it; meanwhile it answers "not closed yet" or <see cref="ErrorCode.RecoveryInProgress"/>,
/// so callers poll with back-off.
/// </summary>
public sealed partial class CkptFsClient
{
    private static readonly TimeSpan FirstRecoveryPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestRecoveryPoll = TimeSpan.FromSeconds(2);

    /// <summary>
    /// True when <paramref name="path"/> is closed (now, or it already was); false when its lease
    /// recovery started or is under way: call again, or use <see cref="WaitForLeaseRecoveryAsync"/>.
    /// While the holder's soft limit has not passed it fails with <see cref="ErrorCode.LeaseHeldByOther"/>
    /// naming the holder and when a takeover becomes possible, unless <paramref name="force"/> (for an
    /// operator who knows the writer is dead).
    /// </summary>
    public async Task<bool> RecoverLeaseAsync(string path, bool force = false, CancellationToken cancellationToken = default)
    {
        try
        {
            var request = new RecoverLeaseRequest { RequestId = NextRequestId(), Path = path, Holder = ClientName, Force = force };
            return (await CallAsync(options => _namenode.RecoverLeaseAsync(request, options), cancellationToken)).Closed;
        }
        catch (CkptFsException e) when (e.Code == ErrorCode.RecoveryInProgress)
        {
            return false;
        }
    }

    /// <summary>
    /// Calls <see cref="RecoverLeaseAsync"/> until the file is closed (true) or <paramref name="timeout"/>
    /// has passed (false), polling from 100 ms up to every 2 s. Errors other than "not closed yet" end it.
    /// </summary>
    public Task<bool> WaitForLeaseRecoveryAsync(string path, bool force, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        PollAsync(token => RecoverLeaseAsync(path, force, token), timeout, cancellationToken);

    /// <summary>
    /// Create, retried while the NameNode recovers the file an overwrite replaces (its previous writer's
    /// soft limit passed: the create started the recovery), for at most <see cref="CkptFsClientOptions.LeaseRecoveryTimeout"/>.
    /// </summary>
    private async Task<CreateResponse> CreateFileAsync(CreateRequest request, CancellationToken cancellationToken)
    {
        CreateResponse? created = null;
        var done = await PollAsync(async token =>
        {
            request.RequestId = NextRequestId();
            try
            {
                created = await CallAsync(options => _namenode.CreateAsync(request, options), token);
                return true;
            }
            catch (CkptFsException e) when (e.Code == ErrorCode.RecoveryInProgress && request.Overwrite)
            {
                return false;
            }
        }, Options.LeaseRecoveryTimeout, cancellationToken);
        return done && created is not null
            ? created
            : throw new CkptFsException(ErrorCode.RecoveryInProgress,
                $"Cannot overwrite {request.Path}: the NameNode is still recovering it (its previous writer is gone) after {Options.LeaseRecoveryTimeout.TotalSeconds:0} s. " +
                $"Try again later; 'ckptfs recover-lease {request.Path}' waits for the recovery and shows how it ends.");
    }

    /// <summary>Calls <paramref name="attempt"/> until it returns true (then true) or <paramref name="timeout"/> has passed (then false), backing off between calls.</summary>
    private static async Task<bool> PollAsync(Func<CancellationToken, Task<bool>> attempt, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = FirstRecoveryPoll;
        while (!await attempt(cancellationToken))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            await Task.Delay(delay < left ? delay : left, cancellationToken);
            delay = delay * 2 < LongestRecoveryPoll ? delay * 2 : LongestRecoveryPoll;
        }

        return true;
    }
}
