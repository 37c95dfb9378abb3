using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>Factory helpers that read like the proto: <c>Method.Unary&lt;MkdirsRequest, MkdirsResponse&gt;("ckptfs.v1.ClientProtocol", "Mkdirs")</c>.</summary>
public static class Method
{
    public static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string serviceName, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => new(MethodType.Unary, serviceName, name);

    public static Method<TRequest, TResponse> ServerStreaming<TRequest, TResponse>(string serviceName, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => new(MethodType.ServerStreaming, serviceName, name);

    public static Method<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(string serviceName, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => new(MethodType.ClientStreaming, serviceName, name);

    public static Method<TRequest, TResponse> Duplex<TRequest, TResponse>(string serviceName, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => new(MethodType.DuplexStreaming, serviceName, name);
}
