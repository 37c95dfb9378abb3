using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>A response stream on Kestrel's body pipe: each message is flushed as it is written.</summary>
internal sealed class HttpServerStreamWriter<T> : IServerStreamWriter<T>
    where T : class, IMessage<T>
{
    private readonly ServerCallContext _call;

    public HttpServerStreamWriter(ServerCallContext call)
    {
        _call = call;
    }

    public async Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var token = cancellationToken.CanBeCanceled ? cancellationToken : _call.CancellationToken;
        token.ThrowIfCancellationRequested();
        ServerResponse.WriteMessage(_call, message);
        var result = await _call.HttpContext.Response.BodyWriter.FlushAsync(token).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
        {
            // Completed means the client went away: the stream can take no more messages.
            throw new OperationCanceledException($"the client of {_call.Method} is gone; the response stream is closed", _call.CancellationToken);
        }
    }
}
