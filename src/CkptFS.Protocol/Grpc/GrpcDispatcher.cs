using System.Collections.Frozen;
using CkptFS.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// The request pipeline of the gRPC port, one HTTP/2 request at a time:
/// 1. POST only (else 405), content-type application/grpc (else 415, as the spec asks).
/// 2. Find the method (frozen dictionary; unknown: UNIMPLEMENTED, Trailers-Only).
/// 3. grpc-encoding other than identity: UNIMPLEMENTED with grpc-accept-encoding: identity.
/// 4. grpc-timeout gives the deadline; the call's token fires on it, on client cancel, on shutdown.
/// 5. Run the method (read, handle, write), then send the status: in the headers when no message
///    was sent (Trailers-Only: one HEADERS frame with END_STREAM), else in trailers.
/// Failures map in one place (<see cref="GrpcDispatcher"/>.Status.cs): CkptFsException through
/// <see cref="ErrorCodeStatus"/> plus a ckptfs-error-code trailer, RpcException as is, cancellation
/// by its cause, anything else INTERNAL and logged.
/// </summary>
public sealed partial class GrpcDispatcher
{
    private readonly FrozenDictionary<string, ServerMethodHandler> _handlers;
    private readonly GrpcServerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationToken _shutdown;

    /// <param name="shutdown">Fires when the server starts stopping; every call's token follows it.</param>
    public GrpcDispatcher(GrpcServiceRegistry registry, GrpcServerOptions options, ILogger<GrpcDispatcher> logger, CancellationToken shutdown)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _handlers = registry.Freeze();
        _options = options;
        _logger = logger;
        _shutdown = shutdown;
    }

    public Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return Task.CompletedTask;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return Task.CompletedTask;
        }

        var path = request.Path.Value ?? string.Empty;
        if (!_handlers.TryGetValue(path, out var handler))
        {
            LogUnknownMethod(_logger, path);
            WriteTrailersOnly(context, StatusCode.Unimplemented, $"Method {path} is not implemented on this server");
            return Task.CompletedTask;
        }

        var headers = request.Headers;
        var encoding = headers[GrpcProtocol.EncodingHeader];
        if (encoding.Count > 0 && !string.Equals(encoding[0], GrpcProtocol.IdentityEncoding, StringComparison.Ordinal))
        {
            context.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.IdentityEncoding;
            WriteTrailersOnly(context, StatusCode.Unimplemented, $"Message encoding '{encoding[0]}' is not supported; this server accepts identity only");
            return Task.CompletedTask;
        }

        TimeSpan? timeout = null;
        var timeoutHeader = headers[GrpcProtocol.TimeoutHeader];
        if (timeoutHeader.Count > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader[0]!, out var parsed))
            {
                WriteTrailersOnly(context, StatusCode.Internal, $"Malformed grpc-timeout '{timeoutHeader[0]}'");
                return Task.CompletedTask;
            }

            timeout = parsed;
        }

        return RunAsync(context, handler, timeout);
    }

    private async Task RunAsync(HttpContext context, ServerMethodHandler handler, TimeSpan? timeout)
    {
        var deadline = timeout is { } t ? DateTime.UtcNow + t : (DateTime?)null;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _shutdown);
        if (timeout is { } delay)
        {
            cancellation.CancelAfter(delay);
        }

        var call = new ServerCallContext(context, handler.FullName, deadline, cancellation.Token, _options.MaxReceiveMessageBytes, _options.MaxSendMessageBytes);
        try
        {
            await handler.HandleAsync(call).ConfigureAwait(false);
            if (!call.ResponseStarted && deadline is { } d && DateTime.UtcNow >= d)
            {
                // The handler ignored its token and finished late; the client has given up.
                WriteStatus(call, StatusCode.DeadlineExceeded, "Deadline exceeded", errorCode: null);
                return;
            }

            WriteStatus(call, StatusCode.OK, message: null, errorCode: null);
        }
        catch (Exception ex)
        {
            WriteFailure(call, ex);
        }
    }
}
