namespace CkptFS.NameNode.Events;

/// <summary>
/// The last <see cref="Capacity"/> notable events of this NameNode, in memory only (a restart
/// starts it empty: the logs keep the history). Bounded so that a flapping cluster cannot grow it:
/// the oldest event goes when a new one comes. Fed by the cores where the things happen
/// (DatanodeManager, ReplicationMonitor, FsNamespace); read by the HTTP API. Thread-safe; adding
/// is one lock and no allocation beyond the event.
/// </summary>
public sealed class NameNodeEventLog(TimeProvider time, int capacity = NameNodeEventLog.DefaultCapacity)
{
    public const int DefaultCapacity = 256;

    private readonly NameNodeEvent?[] _ring = new NameNodeEvent?[capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity))];
    private readonly Lock _lock = new();
    private long _next;

    public int Capacity => _ring.Length;

    /// <summary>How many events were ever added (the sequence number of the next one).</summary>
    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _next;
            }
        }
    }

    public void Add(NameNodeEventKind kind, string subject, string message)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            _ring[_next % _ring.Length] = new NameNodeEvent(_next, now, kind, subject, message);
            _next++;
        }
    }

    /// <summary>The retained events, newest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<NameNodeEvent> Recent(int limit = int.MaxValue)
    {
        lock (_lock)
        {
            var count = (int)Math.Min(Math.Min(_next, _ring.Length), Math.Max(limit, 0));
            var events = new List<NameNodeEvent>(count);
            for (var sequence = _next - 1; events.Count < count; sequence--)
            {
                events.Add(_ring[sequence % _ring.Length]!);
            }
            return events;
        }
    }
}
