using System.Globalization;
using System.Text.Json;
using CkptFS.Testing;
using static CkptFS.IntegrationTests.WebUi.WebUiHttp;

namespace CkptFS.IntegrationTests.WebUi;

/// <summary>
/// The web UI's pages in a real headless browser against a live local cluster: each loads without
/// a console error, a page error or a failed request, shows the cluster's numbers as `report
/// --json` and the API give them, follows the cluster (a new checkpoint appears in its job's
/// chart), and is saved as a screenshot (artifacts/screenshots/*.png).
/// </summary>
[Collection(WebUiCollection.Name)]
public sealed class WebUiPageTests(WebUiPageTests.Fixture fixture) : IClassFixture<WebUiPageTests.Fixture>
{
    private readonly LocalClusterProcesses _cluster = fixture.Cluster;
    private readonly WebUiBrowser _browser = fixture.Browser;
    private readonly string _http = NameNodeHttp(fixture.Cluster);
    private readonly string _steps = fixture.Steps;

    /// <summary>One cluster (3 DataNodes, a job of 3 steps, a file of 4 blocks) and one browser for the class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDirectory _local = new("ckptfs-webui-pages");

        public LocalClusterProcesses Cluster { get; private set; } = null!;

        public WebUiBrowser Browser { get; private set; } = null!;

        public string Steps => _local.Combine("step");

        public async Task InitializeAsync()
        {
            try
            {
                await StartAsync();
            }
            catch
            {
                await DisposeAsync();   // xunit does not dispose a fixture whose start failed: its processes must not outlive it
                throw;
            }
        }

        private async Task StartAsync()
        {
            Cluster = await LocalClusterProcesses.StartAsync(3);
            Directory.CreateDirectory(Steps);
            TestFiles.WriteRandom(Path.Combine(Steps, "model-00001.bin"), 900_000, seed: 3);
            TestFiles.WriteRandom(Path.Combine(Steps, "optimizer.bin"), 400_000, seed: 4);
            foreach (var step in new[] { "1000", "2000", "3000" })
            {
                (await Cluster.CliAsync("ckpt", "save", "/jobs/llama", step, Steps)).EnsureSuccess();
            }
            (await Cluster.CliAsync("ckpt", "retain", "/jobs/llama", "--keep-last", "10")).EnsureSuccess();
            (await Cluster.CliAsync("put", "-q", "--block-size", "256K", Path.Combine(Steps, "model-00001.bin"), "/datasets/tokens.bin")).EnsureSuccess();
            Browser = await WebUiBrowser.LaunchAsync();
        }

        public async Task DisposeAsync()
        {
            if (Browser is not null)
            {
                await Browser.DisposeAsync();
            }
            Cluster?.Dispose();
            _local.Dispose();
        }
    }

    [Fact]
    public async Task EachNameNodePageLoadsCleanlyAndShowsTheClustersNumbers()
    {
        var report = await SettledReportAsync();
        await _browser.OpenAsync($"{_http}/#/overview");
        Assert.Equal(report.GetProperty("totalBlocks").GetInt64().ToString("N0", CultureInfo.InvariantCulture), await _browser.CardAsync("totalBlocks"));
        Assert.Equal("3", await _browser.CardAsync("live"));
        Assert.Equal("0", await _browser.CardAsync("dead"));
        Assert.Equal("0", await _browser.CardAsync("missingBlocks"));
        Assert.Equal("off", await _browser.CardAsync("safeMode"));
        await _browser.ScreenshotAsync("namenode-overview");

        await _browser.OpenAsync($"{_http}/#/datanodes");
        var rows = _browser.Page.Locator("#datanodes tbody tr");
        Assert.Equal(3, await rows.CountAsync());
        foreach (var node in report.GetProperty("datanodes").EnumerateArray())
        {
            var row = _browser.Page.Locator($"tr[data-uuid='{node.GetProperty("uuid").GetString()}']");
            Assert.Equal("live", await row.GetAttributeAsync("data-state"));
            Assert.Equal(node.GetProperty("blocks").GetInt64().ToString("N0", CultureInfo.InvariantCulture), await row.Locator("[data-field=blocks]").InnerTextAsync());
        }
        await _browser.ScreenshotAsync("namenode-datanodes");

        await _browser.OpenAsync($"{_http}/#/browse?path=/jobs/llama");
        Assert.Equal(3, await _browser.Page.Locator("#listing tbody tr").CountAsync());
        await _browser.Page.Locator("a", new() { HasText = "step-00002000" }).ClickAsync();
        await _browser.WaitDrawnAsync();
        Assert.Contains("model-00001.bin", await _browser.Page.Locator("#listing").InnerTextAsync(), StringComparison.Ordinal);
        await _browser.ScreenshotAsync("namenode-browse");

        await _browser.OpenAsync($"{_http}/#/browse?path=/datasets/tokens.bin");
        var blocks = (await GetJsonAsync($"{_http}/api/v1/file?path=/datasets/tokens.bin")).GetProperty("blocks");
        Assert.Equal(4, blocks.GetArrayLength());   // 900,000 bytes in 256 KiB blocks
        Assert.Equal(4, await _browser.Page.Locator("#blocks tbody tr").CountAsync());
        foreach (var block in blocks.EnumerateArray())
        {
            var row = _browser.Page.Locator($"tr[data-block='{block.GetProperty("blockId").GetUInt64()}']");
            foreach (var location in block.GetProperty("locations").EnumerateArray())
            {
                Assert.Contains(location.GetProperty("uuid").GetString()!, await row.InnerTextAsync(), StringComparison.Ordinal);
            }
        }
        await _browser.ScreenshotAsync("namenode-file");

        await _browser.OpenAsync($"{_http}/#/checkpoints");
        Assert.Equal("3000", await _browser.Page.Locator("tr[data-job='/jobs/llama'] td").Nth(1).InnerTextAsync());
        Assert.Equal("3", await _browser.Page.Locator("tr[data-job='/jobs/llama'] td").Nth(2).InnerTextAsync());
        await _browser.ScreenshotAsync("namenode-checkpoint-jobs");

        await _browser.OpenAsync($"{_http}/#/events");
        await _browser.ScreenshotAsync("namenode-events");
        _browser.AssertNoProblems();
    }

    [Fact]
    public async Task ACommittedCheckpointAppearsInItsJobsChart()
    {
        // A job of its own: the other tests of the class see /jobs/llama as the fixture made it.
        foreach (var step in new[] { "1000", "2000", "3000" })
        {
            (await _cluster.CliAsync("ckpt", "save", "/jobs/chart", step, _steps)).EnsureSuccess();
        }
        (await _cluster.CliAsync("ckpt", "retain", "/jobs/chart", "--keep-last", "10")).EnsureSuccess();
        await _browser.OpenAsync($"{_http}/#/checkpoints?job=/jobs/chart");
        Assert.Equal(3, await _browser.Page.Locator("#step-chart rect[data-step]").CountAsync());
        Assert.Equal("3000", await _browser.CardAsync("latestStep"));
        Assert.Equal("keep the last 10", await _browser.CardAsync("retention"));
        Assert.Equal(1, await _browser.Page.Locator("#advice tr[data-advice='daly']").CountAsync());

        (await _cluster.CliAsync("ckpt", "save", "/jobs/chart", "4000", _steps)).EnsureSuccess();
        // The page redraws itself every 3 s: no reload.
        await _browser.Page.Locator("#step-chart rect[data-step='4000']").WaitForAsync(new() { Timeout = (float)WebUiBrowser.Timeout.TotalMilliseconds });
        Assert.Equal("4000", await _browser.CardAsync("latestStep"));
        Assert.Equal("1300000", await _browser.Page.Locator("#step-chart rect[data-step='4000']").GetAttributeAsync("data-bytes"));
        Assert.Equal(1, await _browser.Page.Locator("#steps tr[data-step='4000'] .badge.latest").CountAsync());
        Assert.Equal(4, await _browser.Page.Locator("#step-chart circle[data-save-step]").CountAsync());

        // The advice form: another MTBF redraws the advice from the API.
        await _browser.Page.Locator("input[name=mtbfHours]").FillAsync("6");
        await _browser.Page.Locator("#advice-form button").ClickAsync();
        await _browser.WaitDrawnAsync();
        Assert.Contains("M = 6.00 h", await _browser.Page.Locator("#advice").InnerTextAsync(), StringComparison.Ordinal);
        await _browser.ScreenshotAsync("namenode-checkpoints");
        _browser.AssertNoProblems();
    }

    [Fact]
    public async Task TheDataNodePageShowsItsVolumesReplicasAndScanner()
    {
        var address = DataNodeHttp(_cluster, "dn1");
        await _browser.Page.GotoAsync($"{address}/");
        await _browser.Page.WaitForFunctionAsync("() => document.body.dataset.ready === 'status'");
        var status = await GetJsonAsync($"{address}/api/v1/status");
        Assert.Equal(1, await _browser.Page.Locator("#volumes tbody tr").CountAsync());
        Assert.Equal(status.GetProperty("replicas").GetProperty("finalized").GetInt32().ToString("N0", CultureInfo.InvariantCulture), await _browser.CardAsync("replicas"));
        Assert.Equal("registered", await _browser.CardAsync("registered"));
        Assert.Equal(1, await _browser.Page.Locator("#scanner").CountAsync());
        await _browser.ScreenshotAsync("datanode-status");
        _browser.AssertNoProblems();
    }

    /// <summary>`report --json` once every block has its 3 replicas (so the page, read a moment later, shows the same numbers); 10 blocks or more (3 x 2 shards, 4 of the file).</summary>
    private async Task<JsonElement> SettledReportAsync()
    {
        JsonElement report = default;
        await ClusterChecks.WaitUntilAsync(_cluster, async () =>
        {
            report = await CliJsonAsync(_cluster, "report", "--json");
            return report.GetProperty("underReplicatedBlocks").GetInt64() == 0 && report.GetProperty("totalBlocks").GetInt64() >= 10;
        }, "every block fully replicated in `report --json`");
        return report;
    }
}
