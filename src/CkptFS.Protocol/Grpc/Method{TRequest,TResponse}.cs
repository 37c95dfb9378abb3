using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// One RPC of a service: its wire name, its shape and how to parse its messages. Instances are
/// immutable and meant to be static fields shared by the server registry and the client.
/// </summary>
public sealed class Method<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    public Method(MethodType type, string serviceName, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Type = type;
        ServiceName = serviceName;
        Name = name;
        FullName = "/" + serviceName + "/" + name;
    }

    /// <summary>The fully qualified service, e.g. <c>ckptfs.v1.ClientProtocol</c>.</summary>
    public string ServiceName { get; }

    /// <summary>The method within the service, e.g. <c>Mkdirs</c>.</summary>
    public string Name { get; }

    /// <summary>The HTTP/2 <c>:path</c> of the call: <c>/ckptfs.v1.ClientProtocol/Mkdirs</c>.</summary>
    public string FullName { get; }

    public MethodType Type { get; }

    public MessageParser<TRequest> RequestParser { get; } = new(() => new TRequest());

    public MessageParser<TResponse> ResponseParser { get; } = new(() => new TResponse());

    public override string ToString() => FullName;
}
