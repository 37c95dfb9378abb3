namespace CkptFS.Protocol.Grpc;

/// <summary>Settings of a client channel; <see cref="Validate"/> names the key and the value it rejects.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Largest response message accepted, in bytes (default 4 MiB). Larger: RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageBytes { get; set; } = GrpcServerOptions.DefaultMaxMessageBytes;

    /// <summary>Largest request message sent, in bytes (default 4 MiB). Larger: RESOURCE_EXHAUSTED before sending.</summary>
    public int MaxSendMessageBytes { get; set; } = GrpcServerOptions.DefaultMaxMessageBytes;

    /// <summary>How long to wait for a TCP connection (default 5 s); then UNAVAILABLE.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Idle time before an HTTP/2 ping checks a connection with calls in flight (default 60 s): a
    /// Watch stream on a dead peer then fails instead of hanging. Null: no pings.
    /// </summary>
    public TimeSpan? KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a ping may stay unanswered before the connection is dropped (default 20 s).</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public void Validate()
    {
        if (MaxReceiveMessageBytes <= 0)
        {
            throw Invalid(nameof(MaxReceiveMessageBytes), MaxReceiveMessageBytes, "a positive number");
        }

        if (MaxSendMessageBytes <= 0)
        {
            throw Invalid(nameof(MaxSendMessageBytes), MaxSendMessageBytes, "a positive number");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw Invalid(nameof(ConnectTimeout), ConnectTimeout, "a positive duration");
        }

        if (KeepAlivePingDelay is { } delay && delay <= TimeSpan.Zero)
        {
            throw Invalid(nameof(KeepAlivePingDelay), delay, "a positive duration, or null for no pings");
        }

        if (KeepAlivePingTimeout <= TimeSpan.Zero)
        {
            throw Invalid(nameof(KeepAlivePingTimeout), KeepAlivePingTimeout, "a positive duration");
        }
    }

    private static ArgumentException Invalid(string key, object value, string expected) =>
        new($"GrpcChannelOptions.{key} = '{value}' is invalid: expected {expected}", key);
}
