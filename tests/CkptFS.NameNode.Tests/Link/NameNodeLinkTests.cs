using System.Diagnostics;
using CkptFS.Common;
using CkptFS.DataNode.NameNodeLink;
using CkptFS.DataNode.Security;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Rpc;
using CkptFS.Protocol.V1;
using CkptFS.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CkptFS.NameNode.Tests.Link;

/// <summary>A NameNodeLink against a real NameNodeServer on 127.0.0.1, with an in-memory block store and 100 ms heartbeats.</summary>
// IAsyncLifetime, not IAsyncDisposable: xunit 2 disposes a test class only through IDisposable or IAsyncLifetime.
public sealed class NameNodeLinkTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private const string Uuid = "dn-test-1";

    private readonly TempDirectory _directory = new("ckptfs-link");
    private readonly InMemoryReplicaCatalog _catalog = new();
    private NameNodeServer? _server;
    private NameNodeLink? _link;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // The folder goes even when a stop fails: else each run left its RocksDB folder in /tmp.
        try
        {
            await StopLinkAsync();
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
        finally
        {
            _directory.Dispose();
        }
    }

    [Fact]
    public async Task RegistersReportsCompletesFilesAndExecutesDeletes()
    {
        var server = await StartServerAsync();
        var keys = await StartLinkAsync();
        Assert.True(keys.Count > 0, "the registration reply carried the block keys");
        await WaitUntilAsync(() => _link!.HeartbeatsSent >= 2, "heartbeats");
        Assert.Equal(1L << 40, server.Datanodes.Find(Uuid)!.Load.RemainingBytes);

        // A write: the block's replica appears as rbw, then RECEIVED lets Complete close the file.
        var path = FsPath.Parse("/ckpt/shard-0");
        await server.Namespace.CreateAsync(new CreateFileRequest(path, "writer", CreateParent: true, Replication: 1));
        var allocated = await server.Namespace.AddBlockAsync(path, "writer", null, new HashSet<string>(), "127.0.0.1");
        Assert.Equal(Uuid, Assert.Single(allocated.Targets).Uuid);
        var block = allocated.Block.ToProto();
        _catalog.Put(block, ReplicaState.Rbw);
        await WaitUntilAsync(() => server.Blocks.GetReplicas(allocated.Block.Id).Live.Contains(Uuid), "the RECEIVING report");
        var last = allocated.Block with { NumBytes = 4096 };
        Assert.False((await server.Namespace.CompleteAsync(path, "writer", last)).Completed);
        _catalog.Put(last.ToProto(), ReplicaState.Finalized);
        await WaitUntilAsync(async () => (await server.Namespace.CompleteAsync(path, "writer", last)).Completed, "Complete after RECEIVED");

        // A NameNode restart: the block is known from the namespace, its location from the full report.
        await StopLinkAsync();
        await server.DisposeAsync();
        _server = null;
        server = await StartServerAsync();
        Assert.True(server.Blocks.InSafeMode);
        Assert.Empty(server.Namespace.GetBlockLocations(path, 0, 0, null).Blocks.Single().Locations);
        await StartLinkAsync();
        await WaitUntilAsync(() => !server.Blocks.InSafeMode, "safe mode to end after the full report");
        Assert.Equal(Uuid, server.Namespace.GetBlockLocations(path, 0, 0, null).Blocks.Single().Locations.Single().Uuid);

        // A delete reaches the block store through a heartbeat's command.
        await server.Namespace.DeleteAsync(path, recursive: false);
        await WaitUntilAsync(() => _catalog.Deleted.Any(b => b.BlockId == last.Id.Value), "the delete command");
        Assert.Empty(_catalog.ListReplicas());
    }

    [Fact]
    public async Task ALinkThatCannotReachItsNameNodeKeepsRunningUnregistered()
    {
        var options = LinkOptions("127.0.0.1:1");
        var keys = new BlockKeyRing(TimeProvider.System);
        await using var link = new NameNodeLink(options, Self(), _catalog, keys, TimeProvider.System, NullLogger<NameNodeLink>.Instance);
        await link.StartAsync();
        await Task.Delay(300);
        Assert.False(link.IsRegistered);
        Assert.False(link.FirstRegistration.IsCompleted);
    }

    [Fact]
    public async Task ADataNodeThatGoesAwayIsDeadWithinTheDisconnectGrace()
    {
        var grace = TimeSpan.FromSeconds(1);
        var server = await StartServerAsync(grace);
        Assert.True(server.Datanodes.Options.DeadInterval >= TimeSpan.FromMinutes(10), "the long timeout is left at its default");
        await StartLinkAsync();
        await WaitUntilAsync(() => _link!.IsConnected && server.Datanodes.Find(Uuid)!.Connected, "the Connect stream");

        var path = FsPath.Parse("/ckpt/shard-0");
        await server.Namespace.CreateAsync(new CreateFileRequest(path, "writer", CreateParent: true, Replication: 1));
        var block = (await server.Namespace.AddBlockAsync(path, "writer", null, new HashSet<string>(), "127.0.0.1")).Block with { NumBytes = 4096 };
        _catalog.Put(block.ToProto(), ReplicaState.Finalized);
        await WaitUntilAsync(() => server.Blocks.GetReplicas(block.Id).Live.Contains(Uuid), "the RECEIVED report");

        // Past the grace with the stream open (and heartbeats): still live.
        await Task.Delay(grace * 2);
        Assert.Equal(DatanodeLiveness.Live, server.Datanodes.Find(Uuid)!.State);

        // The DataNode goes away: its stream closes, and it is dead after the grace, not the 10 minutes.
        var away = Stopwatch.StartNew();
        await StopLinkAsync();
        await WaitUntilAsync(() => server.Datanodes.Find(Uuid)!.State == DatanodeLiveness.Dead, "the DataNode to be declared dead", grace + TimeSpan.FromSeconds(5));
        Assert.True(away.Elapsed >= grace - TimeSpan.FromMilliseconds(50), $"dead after {away.Elapsed}, before the grace of {grace}");
        await WaitUntilAsync(() => !server.Blocks.GetReplicas(block.Id).Live.Contains(Uuid), "its replica to leave the block map", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task TheConnectStreamIsReopenedAfterTheNameNodeRestarts()
    {
        var server = await StartServerAsync();
        await StartLinkAsync();
        await WaitUntilAsync(() => _link!.IsConnected && server.Datanodes.Find(Uuid)!.Connected, "the Connect stream");

        // Same port: the link keeps its address, finds the stream broken and the new NameNode ignorant of it.
        var port = server.RpcPort;
        await server.DisposeAsync();
        _server = null;
        await WaitUntilAsync(() => !_link!.IsConnected, "the link to see its stream end");
        server = await StartServerAsync(rpcPort: port);
        await WaitUntilAsync(() => server.Datanodes.Find(Uuid) is { Connected: true, State: DatanodeLiveness.Live } && _link!.IsConnected, "the stream to reopen");
    }

    private async Task<NameNodeServer> StartServerAsync(TimeSpan? disconnectGrace = null, int rpcPort = 0)
    {
        var options = new NameNodeOptions { DataDirectory = _directory.Path, RpcPort = rpcPort, HttpPort = -1 };
        options.Datanodes.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        options.Datanodes.DisconnectGrace = disconnectGrace ?? options.Datanodes.DisconnectGrace;
        _server = await NameNodeServer.StartAsync(options, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None).WaitAsync(Timeout);
        return _server;
    }

    private async Task<BlockKeyRing> StartLinkAsync()
    {
        var keys = new BlockKeyRing(TimeProvider.System);
        _link = new NameNodeLink(LinkOptions($"127.0.0.1:{_server!.RpcPort}"), Self(), _catalog, keys, TimeProvider.System, NullLogger<NameNodeLink>.Instance);
        await _link.StartAsync();
        await _link.FirstRegistration.WaitAsync(Timeout);
        return keys;
    }

    private async Task StopLinkAsync()
    {
        if (_link is not null)
        {
            await _link.DisposeAsync().AsTask().WaitAsync(Timeout);
            _link = null;
        }
    }

    private static NameNodeLinkOptions LinkOptions(string address) => new()
    {
        NameNodeAddress = address,
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        IncrementalReportDelay = TimeSpan.FromMilliseconds(20),
        ReconnectBackoffInitial = TimeSpan.FromMilliseconds(50),
        ReconnectBackoffMax = TimeSpan.FromMilliseconds(500),
        CallTimeout = TimeSpan.FromSeconds(5),
    };

    private static DatanodeId Self() => new() { DatanodeUuid = Uuid, Host = "127.0.0.1", TransferPort = 9866, HttpPort = 9864, Location = "/rack-a" };

    private static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) => WaitUntilAsync(() => Task.FromResult(condition()), what, timeout);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}
