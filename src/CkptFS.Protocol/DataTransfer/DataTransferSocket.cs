using System.Net.Sockets;

namespace CkptFS.Protocol.DataTransfer;

/// <summary>A dialled transfer connection: the socket (to cut it) and the stream to speak on, TLS or not.</summary>
public sealed class DataTransferSocket(Socket socket, Stream stream) : IAsyncDisposable, IDisposable
{
    public Socket Socket { get; } = socket;

    /// <summary>The socket's NetworkStream, or the SslStream over it.</summary>
    public Stream Stream { get; } = stream;

    public void Dispose()
    {
        Stream.Dispose();
        Socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        Socket.Dispose();
    }
}
