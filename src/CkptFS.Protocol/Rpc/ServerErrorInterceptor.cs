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
/// It also applies <see cref="RpcServerOptions.ResponseCompressionMinBytes"/>: a response message
/// smaller than that, unary or streamed, is marked not to be compressed. (Besides saving CPU, this
/// keeps empty messages uncompressed: grpc-js cannot decompress grpc-dotnet's gzip of zero bytes.)
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
            context.WriteOptions = CompressionFor(response);
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
            await continuation(request, new ThresholdWriter<TResponse>(responseStream, this), context).ConfigureAwait(false);
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
            var response = await continuation(requestStream, context).ConfigureAwait(false);
            context.WriteOptions = CompressionFor(response);
            return response;
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
            await continuation(requestStream, new ThresholdWriter<TResponse>(responseStream, this), context).ConfigureAwait(false);
        }
        catch (Exception exception) when (Translate(exception, context) is { } status)
        {
            throw status;
        }
    }

    /// <summary>No compression for a message under the threshold; the server's default (gzip when the client accepts it) otherwise.</summary>
    private WriteOptions? CompressionFor<T>(T message) =>
        message is Google.Protobuf.IMessage protobuf && protobuf.CalculateSize() >= _compressionMinBytes ? null : s_noCompress;

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

    /// <summary>A handler's response stream that chooses compression per message by its size.</summary>
    private sealed class ThresholdWriter<T>(IServerStreamWriter<T> inner, ServerErrorInterceptor owner) : IServerStreamWriter<T>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message)
        {
            inner.WriteOptions = owner.CompressionFor(message);
            return inner.WriteAsync(message);
        }

        public Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            inner.WriteOptions = owner.CompressionFor(message);
            return inner.WriteAsync(message, cancellationToken);
        }
    }
}
