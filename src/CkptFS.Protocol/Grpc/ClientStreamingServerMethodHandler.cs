using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

internal sealed class ClientStreamingServerMethodHandler<TRequest, TResponse> : ServerMethodHandler
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly Func<IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> _handler;

    public ClientStreamingServerMethodHandler(Method<TRequest, TResponse> method, Func<IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> handler)
        : base(method.FullName, MethodType.ClientStreaming)
    {
        _method = method;
        _handler = handler;
    }

    public override async Task HandleAsync(ServerCallContext call)
    {
        var reader = new HttpServerStreamReader<TRequest>(call, _method.RequestParser);
        var response = await _handler(reader, call).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"the handler of {FullName} returned null");
        ServerResponse.WriteMessage(call, response);
    }
}
