using System.Net;
using CkptFS.Protocol.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CkptFS.Protocol.Rpc;

/// <summary>
/// Settings of a gRPC server (the NameNode's RPC port). Every HTTP/2 and connection limit is set on
/// purpose here rather than left to Kestrel's defaults, because this port faces every client of the
/// cluster. <see cref="Validate"/> runs at start and names the key and the value it rejects.
/// </summary>
public sealed class RpcServerOptions
{
    public const int DefaultMaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>The address to listen on: an IP literal; "0.0.0.0" or "::" for all interfaces. Default 127.0.0.1.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The gRPC port (HTTP/2: cleartext, or TLS when <see cref="Tls"/> is set). 0 picks a free port; <see cref="RpcServerHost.Port"/> tells which.</summary>
    public int Port { get; set; }

    /// <summary>Largest request message accepted, in bytes (default 4 MiB, gRPC's default). Larger: RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageBytes { get; set; } = DefaultMaxMessageBytes;

    /// <summary>Largest response message sent, in bytes (default 4 MiB). Larger: the call fails with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageBytes { get; set; } = DefaultMaxMessageBytes;

    /// <summary>
    /// Concurrent calls per HTTP/2 connection (default 256). The SDK opens another connection when
    /// it needs more; a client that does not waits for a stream to end.
    /// </summary>
    public int MaxConcurrentStreamsPerConnection { get; set; } = 256;

    /// <summary>
    /// Open connections at most (default 1024): one per client process and one per DataNode in normal
    /// use. Connections beyond it are closed at once, so a flood of sockets cannot exhaust the
    /// server's memory or file descriptors.
    /// </summary>
    public long MaxConnections { get; set; } = 1024;

    /// <summary>
    /// A connection with no call in flight is closed after this long (default 2 min). Clients
    /// reconnect transparently on their next call; DataNodes keep a stream open and are never idle.
    /// </summary>
    public TimeSpan IdleConnectionTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Idle time after which the server pings a client to find dead connections (default 60 s). Null: never.</summary>
    public TimeSpan? KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a keepalive ping may stay unanswered before the connection is closed (default 20 s).</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Responses at least this large are gzip-compressed when the client accepts gzip (default 64 KiB:
    /// listings, block locations, reports). Smaller ones are sent as they are: compressing a stat
    /// answer costs more CPU than the bytes it saves. Requests compressed with gzip are always accepted.
    /// </summary>
    public int ResponseCompressionMinBytes { get; set; } = 64 * 1024;

    /// <summary>How long a stop waits for calls in flight before aborting them (default 5 s).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether an unexpected handler exception's type and message go to the client in
    /// <c>grpc-message</c> (default false: they may reveal internals; they are always logged).
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>TLS on the port: a PEM certificate and key, reloaded when they change on disk. Off by default.</summary>
    public TlsServerOptions Tls { get; set; } = new();

    /// <summary>
    /// The seam for other transport settings: called with the gRPC endpoint's listen
    /// options after the defaults are set (e.g. <c>listen =&gt; listen.UseHttps(certificate)</c>).
    /// </summary>
    public Action<ListenOptions>? ConfigureEndpoint { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting and its value.</summary>
    public void Validate()
    {
        if (!IPAddress.TryParse(BindAddress, out _))
        {
            throw Invalid(nameof(BindAddress), BindAddress, "an IP address such as 127.0.0.1 or 0.0.0.0");
        }

        if (Port is < 0 or > 65535)
        {
            throw Invalid(nameof(Port), Port, "a port from 0 (pick a free one) to 65535");
        }

        CheckPositive(nameof(MaxReceiveMessageBytes), MaxReceiveMessageBytes);
        CheckPositive(nameof(MaxSendMessageBytes), MaxSendMessageBytes);
        CheckPositive(nameof(MaxConcurrentStreamsPerConnection), MaxConcurrentStreamsPerConnection);
        CheckPositive(nameof(MaxConnections), MaxConnections);
        CheckPositive(nameof(ResponseCompressionMinBytes), ResponseCompressionMinBytes);
        if (IdleConnectionTimeout <= TimeSpan.Zero)
        {
            throw Invalid(nameof(IdleConnectionTimeout), IdleConnectionTimeout, "a positive duration");
        }

        if (KeepAlivePingDelay is { } delay && delay <= TimeSpan.Zero)
        {
            throw Invalid(nameof(KeepAlivePingDelay), delay, "a positive duration, or null for no pings");
        }

        if (KeepAlivePingTimeout <= TimeSpan.Zero)
        {
            throw Invalid(nameof(KeepAlivePingTimeout), KeepAlivePingTimeout, "a positive duration");
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            throw Invalid(nameof(ShutdownTimeout), ShutdownTimeout, "zero or a positive duration");
        }

        Tls.Validate("Rpc");
    }

    internal IPAddress ParsedBindAddress => IPAddress.Parse(BindAddress);

    private static void CheckPositive(string key, long value)
    {
        if (value <= 0)
        {
            throw Invalid(key, value, "a positive number");
        }
    }

    // No parameter name: the message is for an operator, who set Rpc:KEY, not for a programmer.
    private static ArgumentException Invalid(string key, object? value, string expected) =>
        new($"Invalid setting Rpc:{key} = {value}: expected {expected}.");
}
