using System.Net;
using CkptFS.Protocol.Tls;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace CkptFS.Protocol.Rpc;

/// <summary>
/// How every CkptFS client (SDK, DataNode, CLI) opens its one <see cref="GrpcChannel"/> per server:
/// HTTP/2 cleartext with prior knowledge, or TLS (an <c>https://</c> address or a CA bundle given)
/// checked by <see cref="TlsClientTrust"/>; several connections when one's stream limit is reached,
/// keepalive pings only while calls are in flight, and the <see cref="ClientErrorInterceptor"/> on
/// every call. A channel is thread-safe; make one per server and share it.
/// </summary>
public static class RpcChannel
{
    /// <summary>Largest message sent or accepted, as the server's default (4 MiB).</summary>
    public const int MaxMessageBytes = RpcServerOptions.DefaultMaxMessageBytes;

    /// <summary>How long to wait for a TCP connection before the call fails UNAVAILABLE.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Idle time before an HTTP/2 ping checks a connection with calls in flight: a DataNode's
    /// Connect stream to a dead NameNode then fails instead of hanging.
    /// </summary>
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(60);

    /// <summary>How long a ping may stay unanswered before the connection is dropped.</summary>
    public static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    /// <param name="hostPort"><c>127.0.0.1:8020</c>, <c>namenode:8020</c> or <c>[::1]:8020</c>; an <c>http://</c> or <c>https://</c> prefix is accepted.</param>
    /// <param name="caFile">
    /// A PEM CA bundle: the channel speaks TLS and trusts only servers whose certificate chains to it
    /// and names the host dialled. Null: TLS only for an <c>https://</c> address (checked against the
    /// system's trust store), cleartext otherwise.
    /// </param>
    /// <param name="clientCertificate">Presented when the server asks (mutual TLS): the client is then authenticated as its CN.</param>
    /// <exception cref="ArgumentException">The address is not <c>host:port</c>, or the CA bundle does not load.</exception>
    public static GrpcChannel ForAddress(string hostPort, string? caFile = null, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostPort);
        var tls = UsesTls(hostPort, caFile);
        var address = StripScheme(hostPort);
        if (!Uri.TryCreate("http://" + address, UriKind.Absolute, out var parsed) || parsed.IsDefaultPort || parsed.AbsolutePath != "/")
        {
            throw new ArgumentException($"gRPC address '{hostPort}' is invalid: expected host:port, e.g. 127.0.0.1:8020", nameof(hostPort));
        }

        var uri = new Uri((tls ? "https://" : "http://") + address);
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = ConnectTimeout,
            KeepAlivePingDelay = KeepAlivePingDelay,
            KeepAlivePingTimeout = KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,

            // Room for a whole 4 MiB message in flight without waiting for WINDOW_UPDATEs.
            InitialHttp2StreamWindowSize = 4 * 1024 * 1024,
        };
        if (tls)
        {
            handler.SslOptions = TlsClientTrust.ClientOptions(string.IsNullOrWhiteSpace(caFile) ? null : caFile);
            if (clientCertificate is not null)
            {
                handler.SslOptions.ClientCertificates = [clientCertificate];
            }
        }
        return GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            // Wrapped: handed a bare SocketsHttpHandler, grpc-dotnet puts its client-side load
            // balancer (resolver, subchannels, a picker per call) in front of it. A channel here
            // always has one server, so that layer is per-call cost for nothing.
            HttpHandler = new DirectHandler(handler),
            DisposeHttpClient = true,
            MaxReceiveMessageSize = MaxMessageBytes,
            MaxSendMessageSize = MaxMessageBytes,
        });
    }

    /// <summary>Whether a channel to <paramref name="hostPort"/> speaks TLS: an <c>https://</c> address, or a CA bundle given.</summary>
    public static bool UsesTls(string hostPort, string? caFile) =>
        hostPort.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || !string.IsNullOrWhiteSpace(caFile);

    private static string StripScheme(string hostPort)
    {
        foreach (var scheme in (ReadOnlySpan<string>)["http://", "https://"])
        {
            if (hostPort.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return hostPort[scheme.Length..].TrimEnd('/');
            }
        }
        return hostPort;
    }

    /// <summary>The channel's invoker with CkptFS's error translation, for the generated clients.</summary>
    public static CallInvoker Invoker(GrpcChannel channel) => channel.Intercept(ClientErrorInterceptor.Instance);

    /// <summary>Passes every request to the socket handler as it is.</summary>
    private sealed class DirectHandler(HttpMessageHandler inner) : DelegatingHandler(inner);
}
