namespace CkptFS.Protocol.Grpc;

/// <summary>The request stream of a client-streaming or duplex call. One write at a time.</summary>
public interface IClientStreamWriter<in T>
{
    /// <summary>Sends one message (flushed before the task completes).</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);

    /// <summary>Half-closes the call: no more messages; the server sees the end of its request stream.</summary>
    Task CompleteAsync();
}
