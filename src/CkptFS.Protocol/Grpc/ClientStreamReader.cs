using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

internal sealed class ClientStreamReader<T> : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    private readonly ClientCall _call;
    private readonly MessageParser<T> _parser;

    public ClientStreamReader(ClientCall call, MessageParser<T> parser)
    {
        _call = call;
        _parser = parser;
    }

    public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) => _call.ReadAllAsync(_parser, cancellationToken);
}
