using CkptFS.Common;
using Microsoft.Extensions.Logging;

namespace CkptFS.Protocol.Grpc;

public sealed partial class GrpcDispatcher
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "gRPC call to unknown method {Method}")]
    private static partial void LogUnknownMethod(ILogger logger, string method);

    // Debug, not Warning: an expected failure (file not found, lease held) is the caller's news.
    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "gRPC call {Method} failed with {ErrorCode}: {Detail}")]
    private static partial void LogCallFailed(ILogger logger, string method, ErrorCode errorCode, string detail);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "gRPC call {Method} ended with status {StatusCode}: {Detail}")]
    private static partial void LogRpcException(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "gRPC call {Method} exceeded its deadline")]
    private static partial void LogDeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "gRPC call {Method} was cancelled by the client ({ExceptionType})")]
    private static partial void LogClientCancelled(ILogger logger, string method, string exceptionType);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "gRPC call {Method} failed: the handler threw")]
    private static partial void LogHandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "gRPC call {Method} cannot send status {StatusCode}: the transport has no trailers")]
    private static partial void LogNoTrailers(ILogger logger, string method, StatusCode statusCode);
}
