namespace CkptFS.Protocol.Grpc;

/// <summary>
/// Writes the messages of a response stream. Each message is sent (flushed) before the returned
/// task completes; one write at a time.
/// </summary>
public interface IServerStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
