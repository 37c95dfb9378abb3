using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>A request stream on Kestrel's body pipe.</summary>
internal sealed class HttpServerStreamReader<T> : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    private readonly ServerCallContext _call;
    private readonly MessageParser<T> _parser;

    public HttpServerStreamReader(ServerCallContext call, MessageParser<T> parser)
    {
        _call = call;
        _parser = parser;
    }

    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The call's token always applies (deadline, client gone); the caller's one may add to it.
        using var linked = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _call.CancellationToken)
            : null;
        var token = linked?.Token ?? _call.CancellationToken;
        var reader = _call.HttpContext.Request.BodyReader;
        while (await GrpcFrameReader.ReadMessageAsync(reader, _parser, _call.MaxReceiveMessageBytes, token).ConfigureAwait(false) is { } message)
        {
            yield return message;
        }
    }
}
