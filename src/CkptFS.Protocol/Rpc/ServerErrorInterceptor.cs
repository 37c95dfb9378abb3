using System.Globalization;
using CkptFS.Common;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CkptFS.Protocol.Rpc;

/// <summary>
/// The one place where a handler's failure becomes a gRPC status. A <see cref="CkptFsException"/>
/// becomes the status of <see cref="ErrorCodeStatus"/>'s table, its message, and the exact code in
/// the <c>ckptfs-error-code</c> trailer (so the SDK rebuilds the same exception). Anything else a
/// handler throws is a server fault: logged at Error, answered INTERNAL. Cancellation and deadlines
/// are left to grpc-dotnet, which knows which of the two ended the call.
/// <para>
/// It also applies <see cref="RpcServerOptions.ResponseCompressionMinBytes"/>: a unary response
/// smaller than that is marked not to be compressed.
/// </para>
/// </summary>
internal sealed partial class ServerErrorInterceptor(ILogger<ServerErrorInterceptor> logger, IOptions<RpcServerOptions> options) : Interceptor
{
    private static readonly WriteOptions s_noCompress = new(WriteFlags.NoCompress);
    private readonly int _compressionMinBytes = options.Value.ResponseCompressionMinBytes;
    private readonly bool _detailedErrors = options.Value.EnableDetailedErrors;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            if (response is Google.Protobuf.IMessage message && message.CalculateSize() < _compressionMinBytes)
            {
                context.WriteOptions = s_noCompress;
            }

            return response;
        }
        catch (Exception exception) when (Translate(exception, context) is { } status)
        {
            throw status;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception exception) when (Translate(exception, context) is { } status)
        {
            throw status;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception exception) when (Translate(exception, context) is { } status)
        {
            throw status;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception exception) when (Translate(exception, context) is { } status)
        {
            throw status;
        }
    }

    /// <summary>The status to answer with, or null to let the exception go on to grpc-dotnet unchanged.</summary>
    private RpcException? Translate(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case CkptFsException ckptFs:
                LogCallFailed(logger, context.Method, ckptFs.Code, ckptFs.Message);
                return ToRpcException(ckptFs);
            case RpcException:
                return null;
            case OperationCanceledException or IOException when context.CancellationToken.IsCancellationRequested:
                // The deadline, the client's cancel or shutdown: grpc-dotnet tells them apart.
                return null;
            default:
                LogHandlerFailed(logger, context.Method, exception);
                var detail = _detailedErrors
                    ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
                    : "Exception was thrown by handler.";
                return new RpcException(new Status(StatusCode.Internal, detail, exception));
        }
    }

    /// <summary>The status a CkptFsException travels as; public for handlers that end a stream themselves.</summary>
    public static RpcException ToRpcException(CkptFsException exception)
    {
        var trailers = new Metadata { { ErrorCodeStatus.ErrorCodeTrailer, ((int)exception.Code).ToString(CultureInfo.InvariantCulture) } };
        return new RpcException(new Status(ErrorCodeStatus.ToStatusCode(exception.Code), exception.Message), trailers);
    }

    // Debug, not Warning: an expected failure (file not found, lease held) is the caller's news.
    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "gRPC call {Method} failed with {ErrorCode}: {Detail}")]
    private static partial void LogCallFailed(ILogger logger, string method, ErrorCode errorCode, string detail);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "gRPC call {Method} failed: the handler threw")]
    private static partial void LogHandlerFailed(ILogger logger, string method, Exception exception);
}
