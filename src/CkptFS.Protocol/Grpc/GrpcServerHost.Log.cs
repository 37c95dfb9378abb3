using Microsoft.Extensions.Logging;

namespace CkptFS.Protocol.Grpc;

public sealed partial class GrpcServerHost
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information,
        Message = "gRPC server listening on {BindAddress}:{GrpcPort} (HTTP port {HttpPort}), {MethodCount} methods, max receive {MaxReceiveMessageBytes} B, max send {MaxSendMessageBytes} B")]
    private static partial void LogStarted(ILogger logger, string bindAddress, int grpcPort, int? httpPort, int methodCount, int maxReceiveMessageBytes, int maxSendMessageBytes);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "gRPC server on port {GrpcPort} stopping")]
    private static partial void LogStopping(ILogger logger, int grpcPort);
}
