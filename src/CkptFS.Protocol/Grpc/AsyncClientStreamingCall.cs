using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// A client-streaming call: write messages to <see cref="RequestStream"/>, complete it, then await
/// <see cref="ResponseAsync"/>. Dispose to cancel early.
/// </summary>
public sealed class AsyncClientStreamingCall<TRequest, TResponse> : IDisposable
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly ClientCall _call;
    private readonly MessageParser<TResponse> _parser;
    private Task<TResponse>? _response;

    internal AsyncClientStreamingCall(ClientCall call, MessageParser<TResponse> parser)
    {
        _call = call;
        _parser = parser;
        RequestStream = new ClientStreamWriter<TRequest>(call);
    }

    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The single response, after the server has read the whole request stream.</summary>
    public Task<TResponse> ResponseAsync => _response ??= _call.ReadSingleAsync(_parser);

    /// <summary>The trailers, once <see cref="ResponseAsync"/> has completed.</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    public void Dispose() => _call.Dispose();
}
