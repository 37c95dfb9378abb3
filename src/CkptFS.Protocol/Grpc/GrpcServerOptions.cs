using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// Settings of a gRPC server (NameNode, DataNode). Defaults suit a NameNode on a trusted network;
/// <see cref="Validate"/> runs at start and names the key and the value it rejects.
/// </summary>
public sealed class GrpcServerOptions
{
    public const int DefaultMaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>The address to listen on: an IP literal; "0.0.0.0" or "::" for all interfaces. Default 127.0.0.1.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The gRPC port (HTTP/2 cleartext only). 0 picks a free port; <see cref="GrpcServerHost.GrpcPort"/> tells which.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The optional plain-HTTP port (HTTP/1.1 and HTTP/2) for status pages, /healthz, /metrics.
    /// Null: none. 0: a free port (<see cref="GrpcServerHost.HttpPort"/> tells which).
    /// </summary>
    public int? HttpPort { get; set; }

    /// <summary>Largest request message accepted, in bytes (default 4 MiB, gRPC's default). Larger: RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageBytes { get; set; } = DefaultMaxMessageBytes;

    /// <summary>Largest response message sent, in bytes (default 4 MiB). Larger: the call fails with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageBytes { get; set; } = DefaultMaxMessageBytes;

    /// <summary>
    /// Concurrent calls per HTTP/2 connection (default 256). A client that opens more waits, or opens
    /// another connection (our GrpcChannel does).
    /// </summary>
    public int MaxConcurrentStreamsPerConnection { get; set; } = 256;

    /// <summary>Idle time after which the server pings a client to find dead connections (default 60 s). Null: never.</summary>
    public TimeSpan? KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a keepalive ping may stay unanswered before the connection is closed (default 20 s).</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a stop waits for calls in flight before aborting them (default 5 s).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether an unexpected handler exception's type and message go to the client in
    /// <c>grpc-message</c> (default false: they may reveal internals; they are always logged).
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>
    /// The seam for TLS and other transport settings: called with the gRPC endpoint's listen
    /// options after the defaults are set (e.g. <c>listen =&gt; listen.UseHttps(certificate)</c>).
    /// </summary>
    public Action<ListenOptions>? ConfigureGrpcEndpoint { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting and its value.</summary>
    public void Validate()
    {
        if (!IPAddress.TryParse(BindAddress, out _))
        {
            throw Invalid(nameof(BindAddress), BindAddress, "an IP address such as 127.0.0.1 or 0.0.0.0");
        }

        CheckPort(nameof(Port), Port);
        if (HttpPort is { } httpPort)
        {
            CheckPort(nameof(HttpPort), httpPort);
            if (httpPort != 0 && httpPort == Port)
            {
                throw Invalid(nameof(HttpPort), httpPort, $"a port other than {nameof(Port)}");
            }
        }

        CheckPositive(nameof(MaxReceiveMessageBytes), MaxReceiveMessageBytes);
        CheckPositive(nameof(MaxSendMessageBytes), MaxSendMessageBytes);
        CheckPositive(nameof(MaxConcurrentStreamsPerConnection), MaxConcurrentStreamsPerConnection);
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
    }

    internal IPAddress ParsedBindAddress => IPAddress.Parse(BindAddress);

    private static void CheckPort(string key, int port)
    {
        if (port is < 0 or > 65535)
        {
            throw Invalid(key, port, "a port from 0 (pick a free one) to 65535");
        }
    }

    private static void CheckPositive(string key, int value)
    {
        if (value <= 0)
        {
            throw Invalid(key, value, "a positive number");
        }
    }

    private static ArgumentException Invalid(string key, object? value, string expected) =>
        new($"GrpcServerOptions.{key} = '{value}' is invalid: expected {expected}", key);
}
