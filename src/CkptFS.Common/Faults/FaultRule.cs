namespace CkptFS.Common.Faults;

/// <summary>
/// One armed fault: at <see cref="Point"/>, skip the first <see cref="Skip"/> hits, then act on the
/// next <see cref="Times"/> hits.
/// </summary>
public sealed record FaultRule(FaultPoint Point, FaultAction Action, int Skip = 0, int Times = int.MaxValue, TimeSpan Delay = default)
{
    private int _hits;

    /// <summary>Counts a hit; true when this one must act.</summary>
    internal bool ShouldFire()
    {
        var hit = Interlocked.Increment(ref _hits);
        return hit > Skip && hit - Skip <= Times;
    }
}
