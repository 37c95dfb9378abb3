using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

internal sealed class ServerStreamingServerMethodHandler<TRequest, TResponse> : ServerMethodHandler
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> _handler;

    public ServerStreamingServerMethodHandler(Method<TRequest, TResponse> method, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        : base(method.FullName, MethodType.ServerStreaming)
    {
        _method = method;
        _handler = handler;
    }

    public override async Task HandleAsync(ServerCallContext call)
    {
        var request = await GrpcFrameReader.ReadSingleMessageAsync(
            call.HttpContext.Request.BodyReader, _method.RequestParser, call.MaxReceiveMessageBytes, call.CancellationToken).ConfigureAwait(false);
        await _handler(request, new HttpServerStreamWriter<TResponse>(call), call).ConfigureAwait(false);
    }
}
