using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

internal sealed class DuplexStreamingServerMethodHandler<TRequest, TResponse> : ServerMethodHandler
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> _handler;

    public DuplexStreamingServerMethodHandler(Method<TRequest, TResponse> method, Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        : base(method.FullName, MethodType.DuplexStreaming)
    {
        _method = method;
        _handler = handler;
    }

    public override Task HandleAsync(ServerCallContext call) =>
        _handler(new HttpServerStreamReader<TRequest>(call, _method.RequestParser), new HttpServerStreamWriter<TResponse>(call), call);
}
