using CkptFS.Common;
using CkptFS.DataNode.NameNodeLink;
using CkptFS.DataNode.Security;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Rpc;
using CkptFS.Protocol.V1;
using CkptFS.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CkptFS.NameNode.Tests.Link;

/// <summary>A NameNodeLink against a real NameNodeServer on 127.0.0.1, with an in-memory block store and 100 ms heartbeats.</summary>
public sealed class NameNodeLinkTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private const string Uuid = "dn-test-1";

    private readonly TempDirectory _directory = new("ckptfs-link");
    private readonly InMemoryReplicaCatalog _catalog = new();
    private NameNodeServer? _server;
    private NameNodeLink? _link;

    public async ValueTask DisposeAsync()
    {
        await StopLinkAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _directory.Dispose();
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

    private async Task<NameNodeServer> StartServerAsync()
    {
        var options = new NameNodeOptions { DataDirectory = _directory.Path, RpcPort = 0, HttpPort = -1 };
        options.Datanodes.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
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

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}
