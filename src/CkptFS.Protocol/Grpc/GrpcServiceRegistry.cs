using System.Collections.Frozen;
using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// The methods a server serves, filled at start-up and then frozen by the dispatcher. Adding a
/// method twice is a programming error and throws.
/// </summary>
public sealed class GrpcServiceRegistry
{
    private readonly Dictionary<string, ServerMethodHandler> _handlers = new(StringComparer.Ordinal);

    public int Count => _handlers.Count;

    public GrpcServiceRegistry AddUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => Add(method, MethodType.Unary, new UnaryServerMethodHandler<TRequest, TResponse>(method, handler));

    public GrpcServiceRegistry AddServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => Add(method, MethodType.ServerStreaming, new ServerStreamingServerMethodHandler<TRequest, TResponse>(method, handler));

    public GrpcServiceRegistry AddClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, Func<IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => Add(method, MethodType.ClientStreaming, new ClientStreamingServerMethodHandler<TRequest, TResponse>(method, handler));

    public GrpcServiceRegistry AddDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => Add(method, MethodType.DuplexStreaming, new DuplexStreamingServerMethodHandler<TRequest, TResponse>(method, handler));

    /// <summary>True when a method with this full name (<c>/pkg.Service/Method</c>) is registered.</summary>
    public bool Contains(string fullName) => _handlers.ContainsKey(fullName);

    internal FrozenDictionary<string, ServerMethodHandler> Freeze() => _handlers.ToFrozenDictionary(StringComparer.Ordinal);

    private GrpcServiceRegistry Add<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType expected, ServerMethodHandler handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != expected)
        {
            throw new ArgumentException($"{method.FullName} is a {method.Type} method; it cannot be registered as {expected}", nameof(method));
        }

        if (!_handlers.TryAdd(method.FullName, handler))
        {
            throw new InvalidOperationException($"{method.FullName} is already registered");
        }

        return this;
    }
}
