namespace CkptFS.Protocol.Grpc;

/// <summary>
/// Per-call settings. <see cref="Deadline"/> (UTC) is sent as grpc-timeout and enforced locally
/// too: past it the call fails with DEADLINE_EXCEEDED. <c>default</c> means no deadline, no
/// cancellation, no custom headers.
/// </summary>
public readonly record struct CallOptions(Metadata? Headers = null, DateTime? Deadline = null, CancellationToken CancellationToken = default)
{
    /// <summary>A deadline this long from now.</summary>
    public static CallOptions WithTimeout(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        new(Deadline: DateTime.UtcNow + timeout, CancellationToken: cancellationToken);
}
