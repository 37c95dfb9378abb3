using System.Net.Sockets;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Tests;

/// <summary>Garbage and lies on the data port: each is refused or cut, and the server goes on serving.</summary>
public sealed class BadPeerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Random_bytes_close_the_connection()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        using var socket = await ConnectAsync(cluster);
        await socket.SendAsync(StoreFixture.RandomBytes(4096, seed: 200));
        Assert.Equal(0, await socket.ReceiveAsync(new byte[16]).WaitAsync(TestCluster.Timeout));
        await AssertStillServesAsync(cluster);
    }

    [Fact]
    public async Task A_wrong_token_gets_ERROR_ACCESS_TOKEN()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var foreignKey = cluster.Key.Clone();
        foreignKey.Key = Google.Protobuf.ByteString.CopyFrom(new byte[32]);
        var block = cluster.NewBlock(key: foreignKey);
        using var socket = await ConnectAsync(cluster);
        await using var stream = new NetworkStream(socket);

        await DataTransferCodec.WriteRequestAsync(stream, DataTransferOp.WriteBlock, WriteHeader(block), None);
        var response = await DataTransferCodec.ReadMessageAsync(stream, BlockOpResponse.Parser, None).AsTask().WaitAsync(TestCluster.Timeout);

        Assert.Equal(TransferStatus.ErrorAccessToken, response.Status);
        Assert.Empty(cluster.Stores[0].Store.ListReplicas());
        var readOnly = cluster.NewBlock(modes: [AccessMode.Read]);
        await using var second = new NetworkStream(await ConnectAsync(cluster), ownsSocket: true);
        await DataTransferCodec.WriteRequestAsync(second, DataTransferOp.WriteBlock, WriteHeader(readOnly), None);
        Assert.Equal(TransferStatus.ErrorAccessToken, (await DataTransferCodec.ReadMessageAsync(second, BlockOpResponse.Parser, None).AsTask().WaitAsync(TestCluster.Timeout)).Status);
        await AssertStillServesAsync(cluster);
    }

    [Fact]
    public async Task A_packet_with_a_bad_checksum_gets_ERROR_CHECKSUM_and_no_replica()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var block = cluster.NewBlock();
        await using var stream = new NetworkStream(await ConnectAsync(cluster), ownsSocket: true);
        await DataTransferCodec.WriteRequestAsync(stream, DataTransferOp.WriteBlock, WriteHeader(block), None);
        Assert.Equal(TransferStatus.Success, (await DataTransferCodec.ReadMessageAsync(stream, BlockOpResponse.Parser, None).AsTask().WaitAsync(TestCluster.Timeout)).Status);

        using var packet = HandWrite.Packet(offset: 0, seqno: 0, StoreFixture.RandomBytes(2000, seed: 201));
        packet.Checksums[5] ^= 0x40;
        await stream.WriteAsync(packet.Frame);
        var ack = await DataTransferCodec.ReadMessageAsync(stream, PipelineAck.Parser, None).AsTask().WaitAsync(TestCluster.Timeout);

        Assert.Equal((0L, TransferStatus.ErrorChecksum), (ack.Seqno, Assert.Single(ack.Replies)));
        await PipelineTests.WaitUntilAsync(() => cluster.Stores[0].Store.ListReplicas().Count == 0);
        Assert.Empty(Directory.GetFiles(cluster.Stores[0].Store.Volumes[0].RbwDirectory));
        await AssertStillServesAsync(cluster);
    }

    [Fact]
    public async Task A_connection_cut_mid_packet_leaves_no_finalized_replica()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var block = cluster.NewBlock();
        var stream = new NetworkStream(await ConnectAsync(cluster), ownsSocket: true);
        await DataTransferCodec.WriteRequestAsync(stream, DataTransferOp.WriteBlock, WriteHeader(block, targets: [cluster.Nodes[1]]), None);
        Assert.Equal(TransferStatus.Success, (await DataTransferCodec.ReadMessageAsync(stream, BlockOpResponse.Parser, None).AsTask().WaitAsync(TestCluster.Timeout)).Status);
        using var packet = HandWrite.Packet(offset: 0, seqno: 0, StoreFixture.RandomBytes(60_000, seed: 202));
        await stream.WriteAsync(packet.Frame[..30_000]);
        await stream.DisposeAsync();

        await PipelineTests.WaitUntilAsync(() => cluster.Log.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "closed after"));
        foreach (var store in cluster.Stores)
        {
            Assert.All(store.Store.ListReplicas(), report => Assert.Equal((ReplicaState.Rbw, 0ul), (report.State, report.Block.NumBytes)));
            Assert.Empty(Directory.GetFiles(store.Store.Volumes[0].FinalizedDirectory, "*", SearchOption.AllDirectories));
        }

        await AssertStillServesAsync(cluster);
    }

    [Fact]
    public async Task A_silent_peer_is_cut_after_the_socket_timeout()
    {
        // Short enough for a quick test, long enough that the real write after it is never taken for
        // silence on a loaded machine (300 ms was: a first write's JIT under a parallel test run).
        await using var cluster = await TestCluster.StartAsync(1, socketTimeout: TimeSpan.FromSeconds(1.5));
        using var socket = await ConnectAsync(cluster);
        await socket.SendAsync(new byte[] { 0, 1 });
        Assert.Equal(0, await socket.ReceiveAsync(new byte[16]).WaitAsync(TestCluster.Timeout));
        Assert.True(cluster.Log.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "no data for"));
        await AssertStillServesAsync(cluster);
    }

    private static async Task AssertStillServesAsync(TestCluster cluster)
    {
        var data = StoreFixture.RandomBytes(150_000, seed: 203);
        var block = cluster.NewBlock();
        var finished = await TestCluster.WriteAsync(block, data);
        Assert.Equal(data, await TestCluster.ReadAsync(cluster.ForRead(block, finished), 0, 0, data.Length));
        cluster.Log.AssertNoErrors();
    }

    private static OpWriteBlockHeader WriteHeader(LocatedBlock block, DatanodeId[]? targets = null) => HandWrite.Header(block.Block, block.Token, targets: targets);

    private static async Task<Socket> ConnectAsync(TestCluster cluster)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", (int)cluster.Nodes[0].TransferPort).WaitAsync(TestCluster.Timeout);
        return socket;
    }
}
