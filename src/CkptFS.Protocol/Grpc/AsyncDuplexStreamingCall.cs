using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>A duplex call: write <see cref="RequestStream"/> and read <see cref="ResponseStream"/> concurrently.</summary>
public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : IDisposable
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly ClientCall _call;

    internal AsyncDuplexStreamingCall(ClientCall call, MessageParser<TResponse> parser)
    {
        _call = call;
        RequestStream = new ClientStreamWriter<TRequest>(call);
        ResponseStream = new ClientStreamReader<TResponse>(call, parser);
    }

    public IClientStreamWriter<TRequest> RequestStream { get; }

    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <summary>The trailers, once the response stream has been read to its end.</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    public void Dispose() => _call.Dispose();
}
