using Microsoft.AspNetCore.Http;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// What a handler knows about the call it serves. <see cref="CancellationToken"/> fires on the
/// deadline, when the client cancels or disconnects, and when the server shuts down.
/// Headers are parsed on first use: the hot path of a NameNode unary call never touches them.
/// </summary>
public sealed class ServerCallContext
{
    private readonly HttpContext _httpContext;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;

    internal ServerCallContext(HttpContext httpContext, string method, DateTime? deadline, CancellationToken cancellationToken, int maxReceiveMessageBytes, int maxSendMessageBytes)
    {
        _httpContext = httpContext;
        Method = method;
        Deadline = deadline;
        CancellationToken = cancellationToken;
        MaxReceiveMessageBytes = maxReceiveMessageBytes;
        MaxSendMessageBytes = maxSendMessageBytes;
    }

    /// <summary>The full method name, <c>/package.Service/Method</c>.</summary>
    public string Method { get; }

    /// <summary>The client's deadline in UTC (from <c>grpc-timeout</c>), or null when it set none.</summary>
    public DateTime? Deadline { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>The client's custom headers (the gRPC protocol's own headers left out).</summary>
    public Metadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders();

    /// <summary>Custom trailers to send with the status, whether the call succeeds or fails.</summary>
    public Metadata ResponseTrailers => _responseTrailers ??= new Metadata();

    /// <summary>The client's address as gRPC prints it: <c>ipv4:127.0.0.1:50312</c>.</summary>
    public string Peer
    {
        get
        {
            var connection = _httpContext.Connection;
            var address = connection.RemoteIpAddress;
            if (address is null)
            {
                return "unknown";
            }

            return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? $"ipv6:[{address}]:{connection.RemotePort}"
                : $"ipv4:{address}:{connection.RemotePort}";
        }
    }

    internal HttpContext HttpContext => _httpContext;

    internal int MaxReceiveMessageBytes { get; }

    internal int MaxSendMessageBytes { get; }

    /// <summary>True once a response message was written: the status must then go in trailers.</summary>
    internal bool ResponseStarted { get; set; }

    internal Metadata? ResponseTrailersIfAny => _responseTrailers;

    private Metadata ReadRequestHeaders()
    {
        var metadata = new Metadata();
        foreach (var header in _httpContext.Request.Headers)
        {
            if (GrpcProtocol.IsReservedHeader(header.Key))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                if (value is not null)
                {
                    metadata.AddFromWire(header.Key.ToLowerInvariant(), value);
                }
            }
        }

        return metadata;
    }
}
