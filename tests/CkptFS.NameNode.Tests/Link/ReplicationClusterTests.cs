using System.Security.Cryptography;
using CkptFS.Client;
using CkptFS.Common;
using CkptFS.DataNode;
using CkptFS.NameNode.Namespace;
using CkptFS.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CkptFS.NameNode.Tests.Link;

/// <summary>
/// Re-replication end to end, all real and in-process on 127.0.0.1: a NameNodeServer and four
/// DataNodeServers with 100 ms heartbeats; a DataNode is dead after 2 × 0.5 s + 10 × 0.1 s = 2 s
/// without one, and the monitor scans every 200 ms.
/// </summary>
// IAsyncLifetime, not IAsyncDisposable: xunit 2 disposes a test class only through IDisposable or IAsyncLifetime.
public sealed class ReplicationClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const int BlockSize = 64 * 1024;

    private readonly TempDirectory _directory = new("ckptfs-repl");
    private readonly List<DataNodeServer> _datanodes = [];
    private NameNodeServer? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // The folder goes even when a server's stop fails or times out: else each run left ~1 MB in /tmp.
        try
        {
            foreach (var datanode in _datanodes)
            {
                await datanode.DisposeAsync().AsTask().WaitAsync(Timeout);
            }
            if (_server is not null)
            {
                await _server.DisposeAsync().AsTask().WaitAsync(Timeout);
            }
        }
        finally
        {
            _directory.Dispose();
        }
    }

    [Fact]
    public async Task AFileWithReplicationTwoGetsBackToTwoReplicasAfterADataNodeDies()
    {
        var server = await StartNameNodeAsync();
        for (var i = 1; i <= 4; i++)
        {
            _datanodes.Add(await StartDataNodeAsync($"dn-{i}", server.RpcPort));
        }
        await WaitUntilAsync(() => server.Datanodes.GetAll().Count(n => n.State == DataNodes.DatanodeLiveness.Live) == 4, "four live DataNodes");

        var data = RandomNumberGenerator.GetBytes((3 * BlockSize) + 1000);
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = $"127.0.0.1:{server.RpcPort}", CallTimeout = TimeSpan.FromSeconds(10) });
        var stream = await client.CreateAsync("/ckpt/step-100", new CreateFileOptions { Replication = 2, BlockSizeBytes = BlockSize }).WaitAsync(Timeout);
        await stream.WriteAsync(data).AsTask().WaitAsync(Timeout);
        await stream.CloseAsync().WaitAsync(Timeout);
        var path = FsPath.Parse("/ckpt/step-100");
        var blocks = server.Namespace.GetBlockLocations(path, 0, data.Length, null).Blocks.Select(b => b.Block.Id).ToList();
        Assert.Equal(4, blocks.Count);
        await WaitUntilAsync(() => blocks.All(b => server.Blocks.GetReplicas(b).Live.Count == 2), "two replicas of every block");

        var victim = _datanodes.First(d => server.Blocks.GetReplicas(blocks[0]).Live.Contains(d.Id.DatanodeUuid));
        var lost = blocks.Count(b => server.Blocks.GetReplicas(b).Live.Contains(victim.Id.DatanodeUuid));
        _datanodes.Remove(victim);
        await victim.DisposeAsync().AsTask().WaitAsync(Timeout);

        await WaitUntilAsync(() => blocks.All(b =>
        {
            var live = server.Blocks.GetReplicas(b).Live;
            return live.Count == 2 && !live.Contains(victim.Id.DatanodeUuid);
        }), $"{lost} lost replicas to be copied to the remaining DataNodes");
        // The next scan sees the RECEIVED replicas and forgets the transfers.
        await WaitUntilAsync(() => server.Replication.GetPending().Count == 0, "the transfers to be confirmed");
        foreach (var block in blocks)
        {
            var live = server.Blocks.GetReplicas(block).Live;
            Assert.All(live, uuid => Assert.Contains(_datanodes, d => d.Id.DatanodeUuid == uuid));
            Assert.All(_datanodes.Where(d => live.Contains(d.Id.DatanodeUuid)), d => Assert.Contains(d.Store.ListReplicas(), r => r.Block.BlockId == block.Value));
        }

        // The copies hold the same bytes: the file reads back whole without the dead node.
        await using var input = await client.OpenAsync("/ckpt/step-100").WaitAsync(Timeout);
        var back = new MemoryStream();
        await input.CopyToAsync(back).WaitAsync(Timeout);
        Assert.Equal(data, back.ToArray());
    }

    private async Task<NameNodeServer> StartNameNodeAsync()
    {
        var options = new NameNodeOptions { DataDirectory = _directory.Combine("namenode"), RpcPort = 0, HttpPort = -1 };
        options.Namespace.MinBlockSizeBytes = BlockSize;
        options.Datanodes.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        options.Datanodes.StaleInterval = TimeSpan.FromSeconds(1);
        options.Datanodes.RecheckInterval = TimeSpan.FromMilliseconds(500);
        options.Replication.RecheckInterval = TimeSpan.FromMilliseconds(200);
        options.Replication.PendingTimeout = TimeSpan.FromSeconds(10);
        _server = await NameNodeServer.StartAsync(options, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None).WaitAsync(Timeout);
        return _server;
    }

    private async Task<DataNodeServer> StartDataNodeAsync(string uuid, int nameNodePort)
    {
        var options = new DataNodeOptions
        {
            NodeId = uuid,
            HttpPort = -1,
            Storage = new DataNodeStorageOptions { DataFolders = [_directory.Combine(uuid)], BindAddress = "127.0.0.1", TransferPort = 0 },
            NameNode = new DataNode.NameNodeLink.NameNodeLinkOptions
            {
                NameNodeAddress = $"127.0.0.1:{nameNodePort}",
                HeartbeatInterval = TimeSpan.FromMilliseconds(100),
                IncrementalReportDelay = TimeSpan.FromMilliseconds(20),
                ReconnectBackoffInitial = TimeSpan.FromMilliseconds(50),
                ReconnectBackoffMax = TimeSpan.FromMilliseconds(500),
                CallTimeout = TimeSpan.FromSeconds(5),
            },
        };
        return await DataNodeServer.StartAsync(options, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None).WaitAsync(Timeout);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {Timeout} waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
