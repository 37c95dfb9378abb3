using System.Net.Sockets;
using CkptFS.Common;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.BlockIO;

/// <summary>
/// A client's TCP connection to one DataNode's transfer port (TLS when the port serves it): whole
/// frames are written to the stream directly; reads go through a small buffer because varint lengths
/// are read byte by byte (packet bodies larger than the buffer bypass it).
/// </summary>
internal sealed class DataNodeConnection : IAsyncDisposable
{
    private readonly DataTransferSocket _connection;

    private DataNodeConnection(string address, DataTransferSocket connection)
    {
        Address = address;
        _connection = connection;
        Output = connection.Stream;
        Input = new BufferedStream(Output, 8 * 1024);
    }

    public string Address { get; }

    public Stream Output { get; }

    public BufferedStream Input { get; }

    public static string AddressOf(DatanodeId node) => $"{node.Host}:{node.TransferPort}";

    /// <summary>
    /// Connects (and completes TLS) within <paramref name="timeout"/>; failure is
    /// <see cref="ErrorCode.Unavailable"/> naming the DataNode, or TlsMismatch (a configuration error,
    /// never taken for a dead node).
    /// </summary>
    public static async Task<DataNodeConnection> ConnectAsync(DatanodeId node, TimeSpan timeout, DataTransferDialer dialer, CancellationToken cancellationToken)
    {
        var address = AddressOf(node);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return new DataNodeConnection(address, await dialer.ConnectAsync(node, deadline.Token).ConfigureAwait(false));
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = exception is OperationCanceledException ? $"no connection in {timeout.TotalSeconds:0.###} s" : exception.Message;
            throw new CkptFsException(ErrorCode.Unavailable, $"Cannot connect to DataNode {address}: {reason}", exception);
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
    public void Abort() => _connection.Socket.Dispose();

    public async ValueTask DisposeAsync()
    {
        await Input.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
