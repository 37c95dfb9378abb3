using System.Runtime.CompilerServices;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// The token a client call runs under: the caller's token, plus a timer for the deadline. It
/// tells which one fired so a cancellation maps to DEADLINE_EXCEEDED or CANCELLED. The timer is
/// judged by its effect, not by the clock: a timer may fire a little before DateTime.UtcNow
/// reaches the deadline.
/// </summary>
internal readonly struct CallCancellation : IDisposable
{
    private readonly CancellationTokenSource? _source;
    private readonly StrongBox<bool>? _cancelledByCall;
    private readonly CancellationToken _callerToken;
    private readonly DateTime? _deadline;

    /// <param name="cancellable">True to own a token source even without a deadline, so <see cref="Cancel"/> works (streaming calls).</param>
    public CallCancellation(in CallOptions options, bool cancellable)
    {
        _callerToken = options.CancellationToken;
        _deadline = options.Deadline is { } deadline ? deadline.ToUniversalTime() : null;
        if (cancellable)
        {
            _source = CancellationTokenSource.CreateLinkedTokenSource(_callerToken);
            _cancelledByCall = new StrongBox<bool>();
        }

        if (_deadline is { } utc && utc != DateTime.MaxValue)
        {
            _source ??= CancellationTokenSource.CreateLinkedTokenSource(_callerToken);
            var remaining = utc - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                _source.Cancel();
            }
            else
            {
                _source.CancelAfter(remaining);
            }
        }
    }

    public CancellationToken Token => _source?.Token ?? _callerToken;

    /// <summary>The time left to send as grpc-timeout; null when the call has no deadline.</summary>
    public TimeSpan? Remaining => _deadline is { } utc && utc != DateTime.MaxValue ? utc - DateTime.UtcNow : null;

    /// <summary>True when the deadline passed: the clock says so, or the token fired and neither the caller nor <see cref="Cancel"/> did it.</summary>
    public bool DeadlineExpired =>
        _deadline is { } utc
        && (DateTime.UtcNow >= utc
            || (_source is { IsCancellationRequested: true } && !_callerToken.IsCancellationRequested && _cancelledByCall is not { Value: true }));

    public bool CallerCancelled => _callerToken.IsCancellationRequested;

    /// <summary>Aborts the call (its HTTP/2 stream is reset); only for a cancellable one.</summary>
    public void Cancel()
    {
        if (_cancelledByCall is not null)
        {
            _cancelledByCall.Value = true;
        }

        _source?.Cancel();
    }

    public void Dispose() => _source?.Dispose();
}
