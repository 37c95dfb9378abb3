using CkptFS.Client;
using CkptFS.DataNode;
using CkptFS.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CkptFS.NameNode.Tests.Link;

/// <summary>
/// Two NameNodes and their DataNodes in one process, as the test suites run them: each server's
/// /metrics serves its own series and none of the others' (one registry and one meter per server),
/// and a stopped server leaves the others' metrics whole.
/// </summary>
// IAsyncLifetime, not IAsyncDisposable: xunit 2 disposes a test class only through IDisposable or IAsyncLifetime.
public sealed class MetricsIsolationTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new("ckptfs-metrics");
    private readonly List<IAsyncDisposable> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in Enumerable.Reverse(_servers))
        {
            await server.DisposeAsync().AsTask().WaitAsync(Timeout);
        }
        _directory.Dispose();
    }

    [Fact]
    public async Task EachServerInOneProcessServesOnlyItsOwnSeries()
    {
        var first = await StartNameNodeAsync("nn-1");
        var second = await StartNameNodeAsync("nn-2");
        var firstData = await StartDataNodeAsync("dn-1", first.RpcPort);
        var secondData = await StartDataNodeAsync("dn-2", second.RpcPort);
        using (var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = $"127.0.0.1:{first.RpcPort}", CallTimeout = Timeout }))
        {
            await client.MkdirsAsync("/only/in/first", createParents: true).WaitAsync(Timeout);
        }

        // Value() fails unless exactly one sample matches: a shared registry would show two.
        var firstScrape = await PrometheusScrape.GetAsync($"127.0.0.1:{first.HttpPort}");
        var secondScrape = await PrometheusScrape.GetAsync($"127.0.0.1:{second.HttpPort}");
        Assert.Equal(4, firstScrape.Value("ckptfs_namenode_inodes"));
        Assert.Equal(1, secondScrape.Value("ckptfs_namenode_inodes"));
        Assert.True(firstScrape.Value("ckptfs_namenode_mutations_committed_total") > secondScrape.Value("ckptfs_namenode_mutations_committed_total"));
        foreach (var (server, id) in new[] { (firstData, "dn-1"), (secondData, "dn-2") })
        {
            var scrape = await PrometheusScrape.GetAsync($"127.0.0.1:{server.Id.HttpPort}");
            var own = scrape.Samples.Where(s => s.Name.StartsWith("ckptfs_", StringComparison.Ordinal)).ToList();
            Assert.Equal(6, own.Count);
            Assert.All(own, s => Assert.Equal(id, s.Labels["node"]));
        }

        await StopAsync(firstData);
        await StopAsync(first);
        var afterStop = await PrometheusScrape.GetAsync($"127.0.0.1:{second.HttpPort}");
        Assert.Equal(1, afterStop.Value("ckptfs_namenode_inodes"));
    }

    private async Task StopAsync(IAsyncDisposable server)
    {
        _servers.Remove(server);
        await server.DisposeAsync().AsTask().WaitAsync(Timeout);
    }

    private async Task<NameNodeServer> StartNameNodeAsync(string name)
    {
        var options = new NameNodeOptions { DataDirectory = _directory.Combine(name), RpcPort = 0, HttpPort = 0 };
        var server = await NameNodeServer.StartAsync(options, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None).WaitAsync(Timeout);
        _servers.Add(server);
        return server;
    }

    private async Task<DataNodeServer> StartDataNodeAsync(string uuid, int nameNodePort)
    {
        var options = new DataNodeOptions
        {
            NodeId = uuid,
            HttpPort = 0,
            Storage = new DataNodeStorageOptions { DataFolders = [_directory.Combine(uuid)], BindAddress = "127.0.0.1", TransferPort = 0 },
            NameNode = new DataNode.NameNodeLink.NameNodeLinkOptions { NameNodeAddress = $"127.0.0.1:{nameNodePort}", CallTimeout = TimeSpan.FromSeconds(5) },
        };
        var server = await DataNodeServer.StartAsync(options, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None).WaitAsync(Timeout);
        _servers.Add(server);
        return server;
    }
}
