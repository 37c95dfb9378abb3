namespace CkptFS.Common.Checkpoints;

/// <summary>
/// How often to checkpoint, from the blocking cost of one save C, the mean time between failures M
/// and the restart time R (the time from a failure until training runs again, reading the
/// checkpoint included).
/// - Young (1974): τ = sqrt(2·C·M), a first-order optimum.
/// - Daly (2006, "A higher order estimate of the optimum checkpoint interval for restart dumps"):
///   τ = sqrt(2·C·M)·[1 + (1/3)·sqrt(C/(2M)) + (1/9)·(C/(2M))] − C for C &lt; 2M, else τ = M.
///   With C = 5 min and R = 10 min it gives 116.7 min for M = 24 h, 56.7 min for M = 6 h and
///   9.14 min for M = 15 min (the unit tests hold it to these).
/// - Waste, from Daly's expected wall-clock model under exponential failures: finishing work W with
///   interval τ takes T = M·e^(R/M)·(e^((τ+C)/M) − 1)·W/τ; the waste is the share of T that is not
///   useful work, 1 − W/T (saves, lost work and restarts).
/// </summary>
public static class IntervalAdvice
{
    public static TimeSpan Young(TimeSpan cost, TimeSpan mtbf) =>
        TimeSpan.FromSeconds(Math.Sqrt(2 * cost.TotalSeconds * mtbf.TotalSeconds));

    public static TimeSpan Daly(TimeSpan cost, TimeSpan mtbf)
    {
        double c = cost.TotalSeconds, m = mtbf.TotalSeconds;
        if (c >= 2 * m)
        {
            return mtbf;
        }
        var ratio = c / (2 * m);
        return TimeSpan.FromSeconds(Math.Sqrt(2 * c * m) * (1 + Math.Sqrt(ratio) / 3 + ratio / 9) - c);
    }

    /// <summary>Expected wall-clock time per unit of useful work (≥ 1) when checkpointing every <paramref name="interval"/>.</summary>
    public static double WallClockFactor(TimeSpan interval, TimeSpan cost, TimeSpan restart, TimeSpan mtbf)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(mtbf, TimeSpan.Zero);
        double tau = interval.TotalSeconds, c = cost.TotalSeconds, r = restart.TotalSeconds, m = mtbf.TotalSeconds;
        return m * Math.Exp(r / m) * (Math.Exp((tau + c) / m) - 1) / tau;
    }

    /// <summary>The share of wall-clock time that is not useful work (0..1).</summary>
    public static double Waste(TimeSpan interval, TimeSpan cost, TimeSpan restart, TimeSpan mtbf) =>
        1 - 1 / WallClockFactor(interval, cost, restart, mtbf);

    /// <summary>The median time between consecutive commits (Unix ms, any order), or null with fewer than two.</summary>
    public static TimeSpan? MedianInterval(IEnumerable<long> committedMs)
    {
        var times = committedMs.Order().ToList();
        return times.Count < 2 ? null : TimeSpan.FromMilliseconds(Median(times.Zip(times.Skip(1), (a, b) => (double)(b - a))));
    }

    /// <summary>The median of the recorded blocking costs (ms, non-positive ones are "unknown"), or null when none is known.</summary>
    public static TimeSpan? MedianCost(IEnumerable<long> blockingMs)
    {
        var known = blockingMs.Where(ms => ms > 0).Select(ms => (double)ms).ToList();
        return known.Count == 0 ? null : TimeSpan.FromMilliseconds(Median(known));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
