using System.Net;
using System.Net.Sockets;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Tests;

/// <summary>
/// A fake DataNode that accepts one WRITE_BLOCK, answers SUCCESS, swallows some packet bytes without
/// acking any, then drops the connection: a target that dies mid-transfer, at a known point.
/// </summary>
internal sealed class DyingTarget : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task _serve;

    private DyingTarget(int bytesBeforeDeath)
    {
        _listener.Start();
        _serve = ServeAsync(bytesBeforeDeath);
    }

    public DatanodeId Node => new() { DatanodeUuid = "dying", Host = "127.0.0.1", TransferPort = (uint)((IPEndPoint)_listener.LocalEndpoint).Port };

    public string Address => $"127.0.0.1:{Node.TransferPort}";

    public static DyingTarget Start(int bytesBeforeDeath) => new(bytesBeforeDeath);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _serve.WaitAsync(TestCluster.Timeout);
        _listener.Dispose();
    }

    private async Task ServeAsync(int bytesBeforeDeath)
    {
        using var socket = await _listener.AcceptSocketAsync().WaitAsync(TestCluster.Timeout);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await using var input = new BufferedStream(stream, 4096);
        var request = await DataTransferCodec.ReadRequestAsync(input, CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
        Assert.Equal(DataTransferOp.WriteBlock, request?.Op);
        await DataTransferCodec.WriteMessageAsync(stream, new BlockOpResponse { Status = TransferStatus.Success }, CancellationToken.None);
        await input.ReadExactlyAsync(new byte[bytesBeforeDeath]).AsTask().WaitAsync(TestCluster.Timeout);
    }
}
