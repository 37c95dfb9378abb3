namespace CkptFS.DataNode.Transfer;

/// <summary>
/// A timeout for the next read or write of one connection, re-armed before each: a silent peer is
/// cut after SocketTimeout instead of holding a transfer slot forever. One token source per
/// connection side, re-armed with CancelAfter (no allocation per packet), timed by the TimeProvider.
/// Also cancelled when the server stops.
/// </summary>
internal sealed class ReadDeadline : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationTokenRegistration _stopping;
    private readonly TimeSpan _timeout;

    public ReadDeadline(TimeSpan timeout, TimeProvider time, CancellationToken stopping)
    {
        _timeout = timeout;
        _source = new CancellationTokenSource(System.Threading.Timeout.InfiniteTimeSpan, time);
        _stopping = stopping.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _source);
    }

    public TimeSpan Timeout => _timeout;

    /// <summary>Starts the clock for the next operation and returns the token it must use.</summary>
    public CancellationToken Arm()
    {
        _source.CancelAfter(_timeout);
        return _source.Token;
    }

    /// <summary>Stops the clock after an operation finished, so a later idle spell (an hflush, then nothing) is not taken for silence.</summary>
    public void Disarm() => _source.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);

    /// <summary>The token without re-arming (for waits that are not on the peer).</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Cancels the connection's pending operations now (the other side of the connection failed).</summary>
    public void Cancel() => _source.Cancel();

    public void Dispose()
    {
        _stopping.Dispose();
        _source.Dispose();
    }
}
