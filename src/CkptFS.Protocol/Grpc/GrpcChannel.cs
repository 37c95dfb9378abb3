using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// A client's connection to one gRPC server: HTTP/2 cleartext with prior knowledge over
/// SocketsHttpHandler, which multiplexes calls over one connection and opens more when the
/// server's stream limit is reached. Thread-safe; make one per server and share it.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly Uri _baseUri;
    private readonly ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);

    private GrpcChannel(string address, Uri baseUri, GrpcChannelOptions options)
    {
        Address = address;
        _baseUri = baseUri;
        Options = options;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = options.ConnectTimeout,
            KeepAlivePingDelay = options.KeepAlivePingDelay ?? Timeout.InfiniteTimeSpan,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,

            // Room for a whole 4 MiB message in flight without waiting for WINDOW_UPDATEs.
            InitialHttp2StreamWindowSize = 4 * 1024 * 1024,
        };
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>The server as given: <c>host:port</c>.</summary>
    public string Address { get; }

    internal GrpcChannelOptions Options { get; }

    /// <param name="hostPort"><c>127.0.0.1:8020</c>, <c>namenode:8020</c> or <c>[::1]:8020</c>; an <c>http://</c> prefix is accepted.</param>
    public static GrpcChannel ForAddress(string hostPort, GrpcChannelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostPort);
        options ??= new GrpcChannelOptions();
        options.Validate();
        var address = hostPort.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? hostPort["http://".Length..].TrimEnd('/') : hostPort;
        if (!Uri.TryCreate("http://" + address, UriKind.Absolute, out var baseUri) || baseUri.IsDefaultPort || baseUri.AbsolutePath != "/")
        {
            throw new ArgumentException($"gRPC address '{hostPort}' is invalid: expected host:port, e.g. 127.0.0.1:8020", nameof(hostPort));
        }

        return new GrpcChannel(address, baseUri, options);
    }

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        using var cancellation = new CallCancellation(options, cancellable: false);
        var frame = GrpcFrameWriter.WriteToPooledArray(request, Options.MaxSendMessageBytes, out var length);
        using var httpRequest = CreateRequest(method.FullName, options, cancellation, new UnaryRequestContent(frame, length));
        try
        {
            var token = cancellation.Token;
            token.ThrowIfCancellationRequested();
            using var response = await _invoker.SendAsync(httpRequest, token).ConfigureAwait(false);
            if (CheckResponseHeaders(response, Address, method.FullName))
            {
                var headerStatus = ReadFinalStatus(response.Headers, Address, method.FullName);
                throw headerStatus.Code == StatusCode.OK
                    ? new RpcException(StatusCode.Internal, $"{Address} ended {method.FullName} with status OK but no response message")
                    : headerStatus.ToException(response.Headers);
            }

            var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            var message = await StreamFrameReader.ReadMessageAsync(stream, method.ResponseParser, Options.MaxReceiveMessageBytes, token).ConfigureAwait(false);
            if (message is not null
                && await StreamFrameReader.ReadMessageAsync(stream, method.ResponseParser, Options.MaxReceiveMessageBytes, token).ConfigureAwait(false) is not null)
            {
                throw new RpcException(StatusCode.Internal, $"{Address} sent more than one response message for unary {method.FullName}");
            }

            var status = ReadFinalStatus(response.TrailingHeaders, Address, method.FullName);
            if (status.Code != StatusCode.OK)
            {
                throw status.ToException(response.TrailingHeaders);
            }

            return message ?? throw new RpcException(StatusCode.Internal, $"{Address} ended {method.FullName} with status OK but no response message");
        }
        catch (Exception ex) when (ClientErrors.TryMap(ex, cancellation, Address, method.FullName, out var mapped))
        {
            throw mapped;
        }
    }

    public AsyncServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        return new AsyncServerStreamingCall<TResponse>(new ClientCall(this, method.FullName, options, request), method.ResponseParser);
    }

    public AsyncClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        return new AsyncClientStreamingCall<TRequest, TResponse>(new ClientCall(this, method.FullName, options, singleRequest: null), method.ResponseParser);
    }

    public AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(new ClientCall(this, method.FullName, options, singleRequest: null), method.ResponseParser);
    }

    public void Dispose() => _invoker.Dispose();

    internal HttpRequestMessage CreateRequest(string method, in CallOptions options, in CallCancellation cancellation, HttpContent content)
    {
        var uri = _methodUris.GetOrAdd(method, static (name, baseUri) => new Uri(baseUri, name), _baseUri);
        var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, GrpcProtocol.TeTrailers);
        if (cancellation.Remaining is { } remaining)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(remaining));
        }

        if (options.Headers is { } metadata)
        {
            foreach (var entry in metadata)
            {
                if (!GrpcProtocol.IsReservedHeader(entry.Key))
                {
                    headers.TryAddWithoutValidation(entry.Key, entry.WireValue);
                }
            }
        }

        return request;
    }

    internal Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _invoker.SendAsync(request, cancellationToken);

    /// <summary>
    /// Checks that a response is gRPC; true when it is Trailers-Only (the status is in the headers
    /// and there is no body). Non-200 HTTP statuses map as PROTOCOL-HTTP2.md says.
    /// </summary>
    internal static bool CheckResponseHeaders(HttpResponseMessage response, string address, string method)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var status = response.StatusCode switch
            {
                HttpStatusCode.BadRequest => StatusCode.Internal,
                HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
                HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
                HttpStatusCode.NotFound => StatusCode.Unimplemented,
                HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
                _ => StatusCode.Unknown,
            };
            throw new RpcException(status, $"{address} answered {method} with HTTP {(int)response.StatusCode} {response.ReasonPhrase}: not a gRPC response");
        }

        if (response.Headers.NonValidated.Contains(GrpcProtocol.StatusHeader))
        {
            return true;
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            throw new RpcException(StatusCode.Internal, $"{address} answered {method} with content-type '{contentType}': not a gRPC response");
        }

        return false;
    }

    internal static CallStatus ReadFinalStatus(HttpHeaders headers, string address, string method) =>
        CallStatus.TryRead(headers, out var status)
            ? status
            : throw new RpcException(StatusCode.Internal, $"{address} ended {method} without a grpc-status");
}
