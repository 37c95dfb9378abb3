using CkptFS.Common;

namespace CkptFS.NameNode.Leases;

/// <summary>
/// The block recoveries under way (HDFS keeps the recovery id on the under-construction block and
/// the command in the primary's descriptor): at most one per file, the newest wins. Commands wait
/// in a per-DataNode outbox until the primary's heartbeat reply carries them (<see cref="Drain"/>).
/// Soft state: after a NameNode restart the lease monitor starts every recovery again with a new id.
/// Thread-safe; time from the injected clock.
/// </summary>
public sealed class BlockRecoveries(TimeProvider time, LeaseOptions options)
{
    private readonly object _lock = new();
    private readonly Dictionary<InodeId, BlockRecovery> _active = [];
    private readonly Dictionary<string, List<BlockRecovery>> _outbox = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="recovery"/>, started now (replacing an older one of the same file) and queues it for its primary.</summary>
    public void Start(BlockRecovery recovery)
    {
        recovery = recovery with { StartedAt = time.GetUtcNow() };
        lock (_lock)
        {
            if (_active.Remove(recovery.File, out var previous) && _outbox.TryGetValue(previous.Primary, out var queued))
            {
                queued.Remove(previous);
            }
            _active[recovery.File] = recovery;
            if (!_outbox.TryGetValue(recovery.Primary, out var outbox))
            {
                _outbox[recovery.Primary] = outbox = [];
            }
            outbox.Add(recovery);
        }
    }

    /// <summary>The recovery of <paramref name="file"/> under way, if any (timed out or not).</summary>
    public BlockRecovery? Find(InodeId file)
    {
        lock (_lock)
        {
            return _active.GetValueOrDefault(file);
        }
    }

    /// <summary>A recovery of <paramref name="file"/> started less than the recovery timeout ago: wait for it rather than start another.</summary>
    public bool IsInProgress(InodeId file)
    {
        lock (_lock)
        {
            return _active.TryGetValue(file, out var recovery) && time.GetUtcNow() - recovery.StartedAt < options.RecoveryTimeout;
        }
    }

    /// <summary>The recovery committed, or its file is gone.</summary>
    public void Finish(InodeId file)
    {
        lock (_lock)
        {
            if (_active.Remove(file, out var recovery) && _outbox.TryGetValue(recovery.Primary, out var queued))
            {
                queued.Remove(recovery);
            }
        }
    }

    /// <summary>The recovery commands for <paramref name="datanodeUuid"/> as primary, each handed out once.</summary>
    public IReadOnlyList<BlockRecovery> Drain(string datanodeUuid)
    {
        lock (_lock)
        {
            if (!_outbox.Remove(datanodeUuid, out var queued))
            {
                return [];
            }
            return queued;
        }
    }
}
