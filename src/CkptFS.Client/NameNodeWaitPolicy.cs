namespace CkptFS.Client;

/// <summary>
/// How long a call waits before it retries a NameNode that is away, and when it gives up: exponential
/// back-off (first, 2 x first, 4 x first ... capped at <see cref="MaxBackoff"/>) with "equal jitter"
/// (each delay is drawn from 50-100 % of its step, so clients that lost the NameNode together do not
/// come back in lockstep, yet every delay makes progress), until <see cref="Wait"/> has passed since
/// the first failure. The last delay is cut so that the last attempt happens at the deadline: a
/// NameNode back just in time is still seen. Pure: the elapsed time and the jitter come from the caller.
/// </summary>
internal sealed class NameNodeWaitPolicy
{
    private readonly Func<double> _jitter;

    /// <param name="jitter">A sample in [0, 1) per delay; <see cref="Random.Shared"/> when null.</param>
    public NameNodeWaitPolicy(TimeSpan wait, TimeSpan firstBackoff, TimeSpan maxBackoff, Func<double>? jitter = null)
    {
        if (wait < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(wait), wait, $"{nameof(CkptFsClientOptions.NameNodeWait)} must be 0 or more.");
        }
        if (firstBackoff <= TimeSpan.Zero || maxBackoff < firstBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(firstBackoff), firstBackoff,
                $"{nameof(CkptFsClientOptions.RetryBackoff)} must be positive and at most {nameof(CkptFsClientOptions.RetryBackoffMax)} ({maxBackoff}).");
        }
        Wait = wait;
        FirstBackoff = firstBackoff;
        MaxBackoff = maxBackoff;
        _jitter = jitter ?? Random.Shared.NextDouble;
    }

    public static NameNodeWaitPolicy For(CkptFsClientOptions options) =>
        new(options.NameNodeWait, options.RetryBackoff, options.RetryBackoffMax);

    public TimeSpan Wait { get; }

    public TimeSpan FirstBackoff { get; }

    public TimeSpan MaxBackoff { get; }

    /// <summary>The step of retry number <paramref name="retry"/> (0 for the first): first x 2^retry, capped.</summary>
    public TimeSpan Step(int retry)
    {
        var ticks = FirstBackoff.Ticks * Math.Pow(2, Math.Min(retry, 30));
        return ticks >= MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>
    /// The delay before retry number <paramref name="retry"/>, <paramref name="waited"/> after the first
    /// failure; null when <see cref="Wait"/> has passed (give up).
    /// </summary>
    public TimeSpan? NextDelay(int retry, TimeSpan waited)
    {
        var left = Wait - waited;
        if (left <= TimeSpan.Zero)
        {
            return null;
        }
        var step = Step(retry);
        var delay = TimeSpan.FromTicks((long)(step.Ticks * (0.5 + (0.5 * Math.Clamp(_jitter(), 0, 1)))));
        return delay < left ? delay : left;
    }
}
