using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>A server-streaming call: read <see cref="ResponseStream"/> to its end; dispose to cancel early.</summary>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
    where TResponse : class, IMessage<TResponse>
{
    private readonly ClientCall _call;

    internal AsyncServerStreamingCall(ClientCall call, MessageParser<TResponse> parser)
    {
        _call = call;
        ResponseStream = new ClientStreamReader<TResponse>(call, parser);
    }

    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <summary>The trailers, once the response stream has been read to its end.</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    public void Dispose() => _call.Dispose();
}
