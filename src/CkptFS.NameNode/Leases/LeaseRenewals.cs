using System.Collections.Concurrent;

namespace CkptFS.NameNode.Leases;

/// <summary>
/// When each lease holder last renewed its leases (one RenewLease call covers all of a client's
/// files). This is what the soft and hard lease limits will be measured from; the lease monitor that
/// acts on them (takeover, recovery) is the next issue, so for now renewals are only recorded.
/// </summary>
public sealed class LeaseRenewals(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastRenewed = new(StringComparer.Ordinal);

    public void Renew(string holder) => _lastRenewed[holder] = time.GetUtcNow();

    public DateTimeOffset? LastRenewed(string holder) => _lastRenewed.TryGetValue(holder, out var at) ? at : null;
}
