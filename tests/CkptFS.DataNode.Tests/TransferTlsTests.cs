using System.Net.Security;
using System.Net.Sockets;
using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.DataNode.Recovery;
using CkptFS.DataNode.Replication;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.Tls;
using CkptFS.Protocol.V1;
using CkptFS.Testing;

namespace CkptFS.DataNode.Tests;

/// <summary>
/// TLS on the transfer port, between real DataTransferServers: a three-node pipeline, reads of
/// every replica, a re-replication copy and a block recovery call all go over TLS checked against
/// the cluster's CA; a client without the CA, with another CA, or speaking cleartext is refused,
/// and the port goes on serving.
/// </summary>
public sealed class TransferTlsTests : IDisposable
{
    private readonly TestCertificates _ca = new("CkptFS transfer test CA");
    private readonly TempDirectory _local = new("ckptfs-transfer-tls");

    public void Dispose()
    {
        _ca.Dispose();
        _local.Dispose();
    }

    [Fact]
    public async Task A_three_node_pipeline_and_reads_of_every_replica_go_over_tls()
    {
        await using var cluster = await TestCluster.StartAsync(3, tls: _ca);
        Assert.All(cluster.Nodes, node => Assert.True(node.TransferTls));
        var data = StoreFixture.RandomBytes((2 * 1024 * 1024) + 777, seed: 900);
        var block = cluster.NewBlock();

        var finished = await TestCluster.WriteAsync(block, data, new BlockWriterOptions { TlsCaFile = cluster.CaFile });

        var readable = cluster.ForRead(block, finished);
        for (var replica = 0; replica < 3; replica++)
        {
            Assert.Equal(data, await TestCluster.ReadAsync(readable, replica, 0, data.Length, options: new BlockReaderOptions { TlsCaFile = cluster.CaFile }));
        }
        // Positional reads stay exact over TLS (no zero-copy there: the bytes are encrypted in user space).
        Assert.Equal(data.AsSpan(1_000_003, 70_000).ToArray(),
            await TestCluster.ReadAsync(readable, 1, 1_000_003, 70_000, options: new BlockReaderOptions { TlsCaFile = cluster.CaFile }));
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Re_replication_and_block_recovery_dial_their_peers_over_tls()
    {
        await using var cluster = await TestCluster.StartAsync(3, tls: _ca);
        var data = StoreFixture.RandomBytes(700_000, seed: 901);
        var block = cluster.NewBlock(nodes: [0]);
        var finished = await TestCluster.WriteAsync(block, data, new BlockWriterOptions { TlsCaFile = cluster.CaFile });

        var transfer = new ReplicateBlocksCommand.Types.Transfer
        {
            Block = finished,
            Token = BlockTokens.Issue(cluster.Key, "dn0", new BlockId(finished.BlockId), [AccessMode.Copy], DateTimeOffset.UtcNow.AddHours(1)),
        };
        transfer.Targets.Add(cluster.Nodes.Skip(1));
        Assert.Equal(data.Length, await BlockCopier.CopyAsync(cluster.Stores[0].Store, transfer, new BlockWriterOptions { TlsCaFile = cluster.CaFile }, CancellationToken.None)
            .WaitAsync(TestCluster.Timeout));
        var readable = cluster.ForRead(block, finished);
        readable.Locations.Clear();
        readable.Locations.Add(cluster.Nodes);
        Assert.Equal(data, await TestCluster.ReadAsync(readable, 2, 0, data.Length, options: new BlockReaderOptions { TlsCaFile = cluster.CaFile }));

        var info = await ReplicaRecoveryClient.InitAsync(cluster.Nodes[1], finished, cluster.Token(finished, AccessMode.Recover), 20, TestCluster.Timeout,
            DataTransferDialer.For(cluster.CaFile), CancellationToken.None).WaitAsync(TestCluster.Timeout);
        Assert.Equal((ulong)data.Length, info.VerifiedLength);
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_client_without_the_ca_or_with_another_ca_is_refused_with_what_to_set()
    {
        await using var cluster = await TestCluster.StartAsync(1, tls: _ca);
        var block = cluster.NewBlock();

        var withoutCa = await Assert.ThrowsAsync<CkptFsException>(() => TestCluster.WriteAsync(block, new byte[1000]));
        Assert.Equal(ErrorCode.TlsMismatch, withoutCa.Code);
        Assert.Contains("serves TLS on its transfer port", withoutCa.Message, StringComparison.Ordinal);
        Assert.Contains(TlsClientTrust.CaFileEnvironmentVariable, withoutCa.Message, StringComparison.Ordinal);

        using var other = new TestCertificates("another CA");
        var otherCa = other.WriteCa(_local.Combine("other-ca.pem"));
        var untrusted = await Assert.ThrowsAsync<CkptFsException>(() =>
            BlockReader.OpenAsync(block, 0, 0, 10, "test-client", new BlockReaderOptions { TlsCaFile = otherCa }, CancellationToken.None).WaitAsync(TestCluster.Timeout));
        Assert.Equal(ErrorCode.TlsMismatch, untrusted.Code);
        Assert.Contains($"the CA bundle {otherCa} does not trust", untrusted.Message, StringComparison.Ordinal);

        // The port still serves a client that has the CA.
        var data = StoreFixture.RandomBytes(5000, seed: 902);
        var finished = await TestCluster.WriteAsync(block, data, new BlockWriterOptions { TlsCaFile = cluster.CaFile });
        Assert.Equal(data, await TestCluster.ReadAsync(cluster.ForRead(block, finished), 0, 0, data.Length, options: new BlockReaderOptions { TlsCaFile = cluster.CaFile }));
    }

    [Fact]
    public void A_node_serving_tls_on_its_transfer_port_needs_the_ca_to_dial_its_peers()
    {
        var options = new DataNodeOptions();
        options.Storage.DataFolders = [_local.Path];
        options.NameNode.NameNodeAddress = "127.0.0.1:8020";
        options.Tls.CertificateFile = _local.Combine("node.pem");
        options.Tls.KeyFile = _local.Combine("node-key.pem");
        _ca.WriteServerPair(options.Tls.CertificateFile, options.Tls.KeyFile);

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("set NameNode:TlsCaFile", error.Message, StringComparison.Ordinal);
        options.TransferTls = false;
        options.Validate();
        options.TransferTls = true;
        options.NameNode.TlsCaFile = _ca.WriteCa(_local.Combine("ca.pem"));
        options.Validate();
        Assert.True(options.ServesTransferTls);
    }

    [Fact]
    public async Task Cleartext_at_a_tls_transfer_port_is_cut_and_the_port_goes_on_serving()
    {
        await using var cluster = await TestCluster.StartAsync(1, tls: _ca);
        var node = cluster.Nodes[0];
        var block = cluster.NewBlock();
        // A cleartext WRITE_BLOCK request, as an old client would send it: the handshake fails and the connection closes.
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync("127.0.0.1", (int)node.TransferPort).WaitAsync(TestCluster.Timeout);
            await using var network = new NetworkStream(socket);
            await DataTransferCodec.WriteRequestAsync(network, DataTransferOp.WriteBlock,
                new OpWriteBlockHeader { Block = block.Block, Token = block.Token, ClientName = "cleartext" }, CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
            var answer = new byte[64];
            var total = 0;
            int read;
            while ((read = await network.ReadAsync(answer.AsMemory(total)).AsTask().WaitAsync(TestCluster.Timeout)) > 0 && total + read < answer.Length)
            {
                total += read;
            }
            Assert.True(total == 0 || answer[0] == 0x15, $"the TLS port answered a cleartext request with {total} bytes that are not a TLS alert");
        }
        Assert.Empty(cluster.Stores[0].Store.ListReplicas());

        // A TLS client of another protocol (ALPN h2) is refused too; then a real client is served.
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync("127.0.0.1", (int)node.TransferPort).WaitAsync(TestCluster.Timeout);
            await using var tls = new SslStream(new NetworkStream(socket));
            var options = TlsClientTrust.ClientOptions(cluster.CaFile);
            options.TargetHost = "127.0.0.1";
            options.ApplicationProtocols = [SslApplicationProtocol.Http2];
            await Assert.ThrowsAnyAsync<Exception>(() => tls.AuthenticateAsClientAsync(options).WaitAsync(TestCluster.Timeout));
        }
        var data = StoreFixture.RandomBytes(3000, seed: 903);
        var finished = await TestCluster.WriteAsync(block, data, new BlockWriterOptions { TlsCaFile = cluster.CaFile });
        Assert.Equal((ulong)data.Length, finished.NumBytes);
    }
}
