namespace CkptFS.Protocol.Grpc;

/// <summary>
/// The incoming messages of a stream, in order, until the peer ends it. Enumerate once; a failed
/// stream throws <see cref="RpcException"/> (or CkptFsException on the client).
/// </summary>
public interface IAsyncStreamReader<out T>
{
    IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default);
}
