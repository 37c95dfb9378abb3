using System.Collections.Concurrent;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Rpc;

/// <summary>
/// Answers a retried mutation with the outcome of its first execution instead of applying it twice
/// (HDFS RetryCache): entries are keyed by (client id, call id), hold the first call's task (success
/// or failure alike, except transient refusals, which changed nothing) and expire after <see cref="Expiry"/>. A call without a request id is not cached.
/// Kept in memory only: a retry that spans a NameNode restart is applied again. The write path's
/// mutations recognise their own retry from durable state: Create and AddBlock by the call id stored
/// on the open file (<see cref="Namespace.FileInode.LastCallId"/>), Complete by a closed file whose last
/// block is the one named, UpdatePipeline by a last block that already has the new genstamp;
/// CommitCheckpoint by the committed manifest. Others fail cleanly (e.g. a retried rename "source not found").
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
        var outcome = entry.Outcome.Value;
        if (ReferenceEquals(entry, fresh))
        {
            // A transient refusal (safe mode, not enough replicas yet) changed nothing: the client's
            // retry of the same call must run again, not be answered with the old refusal.
            outcome.ContinueWith(static (task, state) =>
            {
                var (cache, key, entry) = ((RetryCache, (string, ulong), Entry))state!;
                if (task.Exception?.InnerException is CkptFsException { IsTransient: true })
                {
                    cache._entries.TryRemove(KeyValuePair.Create(key, entry));
                }
            }, (this, key, fresh), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return Unwrap<T>(outcome);
    }

    /// <summary>
    /// Drops the cached outcome of a call whose answer says "not yet" (Complete with completed =
    /// false), so that the client's retry with the same request id asks again.
    /// </summary>
    public void Forget(RequestId? requestId)
    {
        if (requestId is not null && requestId.ClientId.Length != 0)
        {
            _entries.TryRemove((requestId.ClientId, requestId.CallId), out _);
        }
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
