using CkptFS.Testing;
using static CkptFS.IntegrationTests.WebUi.WebUiHttp;

namespace CkptFS.IntegrationTests.WebUi;

/// <summary>
/// A DataNode killed with SIGKILL turns dead on the open DataNodes page (no reload), the overview
/// counts it, and the events page and /api/v1/events show it lost and its blocks re-replicated.
/// Liveness in seconds, as the replication tests set it.
/// </summary>
[Collection(WebUiCollection.Name)]
public sealed class WebUiDeadNodeTests : IAsyncLifetime
{
    /// <summary>Dead after 2 x 1 s + 10 x 0.5 s = 7 s without heartbeats.</summary>
    private static readonly Dictionary<string, string> FastLiveness = new()
    {
        ["CKPTFS_NAMENODE__DATANODES__HEARTBEATINTERVAL"] = "00:00:00.5",
        ["CKPTFS_NAMENODE__DATANODES__STALEINTERVAL"] = "00:00:03",
        ["CKPTFS_NAMENODE__DATANODES__RECHECKINTERVAL"] = "00:00:01",
        ["CKPTFS_DATANODE__NAMENODE__HEARTBEATINTERVAL"] = "00:00:00.5",
    };

    private readonly TempDirectory _local = new("ckptfs-webui-dead");
    private LocalClusterProcesses _cluster = null!;
    private WebUiBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        try
        {
            _cluster = await LocalClusterProcesses.StartAsync(4, FastLiveness);
            _browser = await WebUiBrowser.LaunchAsync();
        }
        catch
        {
            await DisposeAsync();   // xunit does not dispose a test class whose start failed: its processes must not outlive it
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _cluster?.Dispose();
        _local.Dispose();
    }

    [Fact]
    public async Task AKilledDataNodeTurnsDeadOnThePageAndItsLossAndRepairAreEvents()
    {
        var source = TestFiles.WriteRandom(_local.Combine("shard"), 400_000, seed: 77);
        (await _cluster.CliAsync("put", "-q", "-r", "2", "--block-size", "64K", source, "/dead/shard")).EnsureSuccess();
        var victim = (await ClusterChecks.BlocksAsync(_cluster, "/dead/shard"))[0].Nodes[0];
        var http = NameNodeHttp(_cluster);
        await _browser.OpenAsync($"{http}/#/datanodes");
        Assert.Equal("live", await _browser.Page.Locator($"tr[data-uuid='{victim}']").GetAttributeAsync("data-state"));

        await _cluster.KillDataNodeAsync(victim);

        // The open page redraws every 3 s; dead 7 s after the last heartbeat.
        await _browser.Page.Locator($"tr[data-uuid='{victim}'][data-state='dead']").WaitForAsync(new() { Timeout = 90_000 });
        Assert.Equal(3, await _browser.Page.Locator("#datanodes tr[data-state='live']").CountAsync());
        await _browser.ScreenshotAsync("namenode-datanodes-dead");

        await _browser.OpenAsync($"{http}/#/overview");
        Assert.Equal("1", await _browser.CardAsync("dead"));
        Assert.Equal("3", await _browser.CardAsync("live"));

        await ClusterChecks.WaitUntilAsync(_cluster, async () =>
            (await ClusterChecks.BlocksAsync(_cluster, "/dead/shard")).All(b => b.Nodes.Count == 2 && !b.Nodes.Contains(victim)),
            "every block back at 2 replicas without the dead node");
        await _browser.OpenAsync($"{http}/#/events");
        await _browser.Page.Locator("tr[data-kind='re-replication-done']").First.WaitForAsync(new() { Timeout = 60_000 });
        var lost = _browser.Page.Locator("tr[data-kind='datanode-lost']");
        Assert.Equal(1, await lost.CountAsync());
        Assert.Contains(victim, await lost.InnerTextAsync(), StringComparison.Ordinal);
        await _browser.ScreenshotAsync("namenode-events-after-loss");

        var events = await GetJsonAsync($"{http}/api/v1/events");
        var list = events.GetProperty("events").EnumerateArray().ToList();
        Assert.Contains(list, e => e.GetProperty("kind").GetString() == "datanode-lost" && e.GetProperty("subject").GetString() == victim);
        Assert.Contains(list, e => e.GetProperty("kind").GetString() == "re-replication-done");
        Assert.True(list.Zip(list.Skip(1)).All(p => p.First.GetProperty("sequence").GetInt64() > p.Second.GetProperty("sequence").GetInt64()), "newest first");
        _browser.AssertNoProblems();
    }
}
