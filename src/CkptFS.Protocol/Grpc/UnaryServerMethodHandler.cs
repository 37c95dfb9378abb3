using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>One message in, one out: the NameNode's hot path, so no stream objects are made.</summary>
internal sealed class UnaryServerMethodHandler<TRequest, TResponse> : ServerMethodHandler
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly Method<TRequest, TResponse> _method;
    private readonly Func<TRequest, ServerCallContext, Task<TResponse>> _handler;

    public UnaryServerMethodHandler(Method<TRequest, TResponse> method, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        : base(method.FullName, MethodType.Unary)
    {
        _method = method;
        _handler = handler;
    }

    public override async Task HandleAsync(ServerCallContext call)
    {
        var http = call.HttpContext;
        var request = await GrpcFrameReader.ReadSingleMessageAsync(
            http.Request.BodyReader, _method.RequestParser, call.MaxReceiveMessageBytes, call.CancellationToken).ConfigureAwait(false);
        var response = await _handler(request, call).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"the handler of {FullName} returned null");
        ServerResponse.WriteMessage(call, response);
    }
}
