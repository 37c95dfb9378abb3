using System.Collections.Concurrent;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Rpc;

/// <summary>
/// Answers a retried mutation with the outcome of its first execution instead of applying it twice
/// (HDFS RetryCache): entries are keyed by (client id, call id), hold the first call's task (success
/// or failure alike) and expire after <see cref="Expiry"/>. A call without a request id is not cached.
/// Kept in memory only: a retry that spans a NameNode restart is applied again, which every
/// CkptFS mutation tolerates by failing cleanly (e.g. "already exists").
/// </summary>
public sealed class RetryCache
{
    private readonly ConcurrentDictionary<(string ClientId, ulong CallId), Entry> _entries = new();
    private readonly TimeProvider _time;
    private long _nextSweepTicks;

    public RetryCache(TimeProvider time, TimeSpan? expiry = null)
    {
        _time = time;
        Expiry = expiry ?? TimeSpan.FromMinutes(10);
    }

    public TimeSpan Expiry { get; }

    public int Count => _entries.Count;

    public Task<T> RunOnceAsync<T>(RequestId? requestId, Func<Task<T>> call)
    {
        if (requestId is null || requestId.ClientId.Length == 0)
        {
            return call();
        }
        var now = _time.GetTimestamp();
        SweepIfDue(now);
        var key = (requestId.ClientId, requestId.CallId);
        var fresh = new Entry(new Lazy<Task<object>>(async () => (await call().ConfigureAwait(false))!), now);
        var entry = _entries.GetOrAdd(key, fresh);
        return Unwrap<T>(entry.Outcome.Value);
    }

    private static async Task<T> Unwrap<T>(Task<object> outcome) => (T)await outcome.ConfigureAwait(false);

    private void SweepIfDue(long now)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now < due || Interlocked.CompareExchange(ref _nextSweepTicks, now + _time.TimestampFrequency * 10, due) != due)
        {
            return;
        }
        foreach (var (key, entry) in _entries)
        {
            if (_time.GetElapsedTime(entry.CreatedTimestamp, now) > Expiry)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private sealed record Entry(Lazy<Task<object>> Outcome, long CreatedTimestamp);
}
