using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

internal sealed class ClientStreamWriter<T> : IClientStreamWriter<T>
    where T : class, IMessage<T>
{
    private readonly ClientCall _call;

    public ClientStreamWriter(ClientCall call)
    {
        _call = call;
    }

    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _call.WriteAsync(message, cancellationToken);
    }

    public Task CompleteAsync()
    {
        _call.CompleteRequest();
        return Task.CompletedTask;
    }
}
