using System.Net.Sockets;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.BlockIO;

/// <summary>
/// A client's TCP connection to one DataNode's transfer port: whole frames are written to the socket
/// directly; reads go through a small buffer because varint lengths are read byte by byte (packet
/// bodies larger than the buffer bypass it).
/// </summary>
internal sealed class DataNodeConnection : IAsyncDisposable
{
    private readonly Socket _socket;

    private DataNodeConnection(string address, Socket socket)
    {
        Address = address;
        _socket = socket;
        Output = new NetworkStream(socket, ownsSocket: true);
        Input = new BufferedStream(Output, 8 * 1024);
    }

    public string Address { get; }

    public NetworkStream Output { get; }

    public BufferedStream Input { get; }

    public static string AddressOf(DatanodeId node) => $"{node.Host}:{node.TransferPort}";

    /// <summary>Connects within <paramref name="timeout"/>; failure is <see cref="ErrorCode.Unavailable"/> naming the DataNode.</summary>
    public static async Task<DataNodeConnection> ConnectAsync(DatanodeId node, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var address = AddressOf(node);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(node.Host, (int)node.TransferPort, deadline.Token).ConfigureAwait(false);
            return new DataNodeConnection(address, socket);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            var reason = exception is OperationCanceledException ? $"no connection in {timeout.TotalSeconds:0.###} s" : exception.Message;
            throw new CkptFsException(ErrorCode.Unavailable, $"Cannot connect to DataNode {address}: {reason}", exception);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The ErrorCode a failed response stands for: the one the DataNode sent, else one from the status.</summary>
    public static ErrorCode CodeOf(BlockOpResponse response) => response.ErrorCode != 0 ? (ErrorCode)response.ErrorCode : CodeOf(response.Status);

    /// <summary>The ErrorCode a failed status stands for.</summary>
    public static ErrorCode CodeOf(TransferStatus status) => status switch
    {
        TransferStatus.ErrorAccessToken => ErrorCode.InvalidAccessToken,
        TransferStatus.ErrorChecksum => ErrorCode.ChecksumMismatch,
        TransferStatus.ErrorExists => ErrorCode.StaleGenerationStamp,
        TransferStatus.ErrorDiskFull => ErrorCode.DiskFull,
        TransferStatus.ErrorInvalid or TransferStatus.ErrorUnsupported => ErrorCode.InvalidArgument,
        _ => ErrorCode.Unavailable,
    };

    /// <summary>Cuts the connection now (pending reads and writes fail).</summary>
    public void Abort() => _socket.Dispose();

    public async ValueTask DisposeAsync()
    {
        await Input.DisposeAsync().ConfigureAwait(false);
        await Output.DisposeAsync().ConfigureAwait(false);
    }
}
