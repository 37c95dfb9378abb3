using System.Text.Json;
using CkptFS.Client;
using CkptFS.Testing;
using static CkptFS.IntegrationTests.WebUi.WebUiHttp;

namespace CkptFS.IntegrationTests.WebUi;

/// <summary>
/// The NameNode's read-only JSON API (/api/v1) against a live local cluster: each answer's schema,
/// and its values against what the CLI prints from the gRPC calls (`report --json`, `ckpt ls
/// --json`, `ckpt advise --json`, `stat --json`). The DataNode's /api/v1/status too.
/// </summary>
[Collection(WebUiCollection.Name)]
public sealed class WebUiApiTests(WebUiApiTests.Fixture fixture) : IClassFixture<WebUiApiTests.Fixture>
{
    private const JsonValueKind Bool = JsonValueKind.True;
    private const JsonValueKind Number = JsonValueKind.Number;
    private const JsonValueKind Text = JsonValueKind.String;
    private const JsonValueKind Object = JsonValueKind.Object;
    private const JsonValueKind Array = JsonValueKind.Array;

    private readonly LocalClusterProcesses _cluster = fixture.Cluster;
    private readonly string _http = NameNodeHttp(fixture.Cluster);

    /// <summary>One cluster for the class: 3 DataNodes, a job of 3 steps with a retention policy, a file of 5 blocks at replication 2.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDirectory _local = new("ckptfs-webui-api");

        public LocalClusterProcesses Cluster { get; private set; } = null!;

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
            var folder = Directory.CreateDirectory(_local.Combine("step")).FullName;
            TestFiles.WriteRandom(Path.Combine(folder, "model.bin"), 300_000, seed: 1);
            TestFiles.WriteRandom(Path.Combine(folder, "optim.bin"), 120_000, seed: 2);
            foreach (var step in new[] { "100", "200", "300" })
            {
                (await Cluster.CliAsync("ckpt", "save", "/jobs/api", step, folder)).EnsureSuccess();
            }
            (await Cluster.CliAsync("ckpt", "retain", "/jobs/api", "--keep-last", "5", "--keep-every", "100")).EnsureSuccess();
            (await Cluster.CliAsync("put", "-q", "-r", "2", "--block-size", "64K", Path.Combine(folder, "model.bin"), "/data/model.bin")).EnsureSuccess();
        }

        public Task DisposeAsync()
        {
            Cluster?.Dispose();
            _local.Dispose();
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task TheOverviewAndTheDataNodesAgreeWithReportJson()
    {
        // Two reads are two moments: heartbeats move used/remaining/lastHeartbeat, so those are
        // compared loosely; the rest must be equal once block reports have settled (bounded retry).
        await AgreesAsync(async () =>
        {
            var report = await CliJsonAsync(_cluster, "report", "--json");
            var overview = await GetJsonAsync($"{_http}/api/v1/overview");
            var datanodes = (await GetJsonAsync($"{_http}/api/v1/datanodes")).GetProperty("datanodes");
            foreach (var name in new[] { "safeMode", "totalBlocks", "missingBlocks", "underReplicatedBlocks", "corruptReplicas" })
            {
                if (overview.GetProperty(name).GetRawText() != report.GetProperty(name).GetRawText())
                {
                    return $"{name}: api {overview.GetProperty(name)}, report {report.GetProperty(name)}";
                }
            }
            var reported = report.GetProperty("datanodes").EnumerateArray().OrderBy(n => n.GetProperty("uuid").GetString(), StringComparer.Ordinal).ToList();
            var served = datanodes.EnumerateArray().ToList();
            if (reported.Count != served.Count)
            {
                return $"{served.Count} DataNodes served, {reported.Count} reported";
            }
            foreach (var (api, cli) in served.Zip(reported))
            {
                foreach (var name in new[] { "uuid", "host", "transferPort", "httpPort", "location", "state", "capacityBytes", "blocks", "transfersInProgress" })
                {
                    if (api.GetProperty(name).GetRawText() != cli.GetProperty(name).GetRawText())
                    {
                        return $"{cli.GetProperty("uuid")} {name}: api {api.GetProperty(name)}, report {cli.GetProperty(name)}";
                    }
                }
            }
            var counts = overview.GetProperty("datanodes");
            Assert.Equal(reported.Count(n => n.GetProperty("state").GetString() == "live"), counts.GetProperty("live").GetInt32());
            Assert.Equal(reported.Where(n => n.GetProperty("state").GetString() != "dead").Sum(n => n.GetProperty("capacityBytes").GetInt64()), overview.GetProperty("capacityBytes").GetInt64());
            return null;
        });

        var overview = await GetJsonAsync($"{_http}/api/v1/overview");
        HasShape(overview, ("safeMode", Bool), ("totalBlocks", Number), ("missingBlocks", Number), ("underReplicatedBlocks", Number), ("corruptReplicas", Number),
            ("capacityBytes", Number), ("usedBytes", Number), ("remainingBytes", Number), ("datanodes", Object), ("inodes", Number), ("events", Number),
            ("rpcAddress", Text), ("started", Text), ("now", Text));
        HasShape(overview.GetProperty("datanodes"), ("live", Number), ("stale", Number), ("maintenance", Number), ("dead", Number));
        Assert.Equal(3, overview.GetProperty("datanodes").GetProperty("live").GetInt32());
        Assert.Equal(_cluster.Address, overview.GetProperty("rpcAddress").GetString());
        Assert.True(overview.GetProperty("totalBlocks").GetInt64() >= 3 * 2 + 5, overview.ToString());   // 3 steps x 2 shards, 5 blocks of 64K
        var node = (await GetJsonAsync($"{_http}/api/v1/datanodes")).GetProperty("datanodes")[0];
        HasShape(node, ("uuid", Text), ("host", Text), ("transferPort", Number), ("httpPort", Number), ("location", Text), ("state", Text),
            ("capacityBytes", Number), ("usedBytes", Number), ("remainingBytes", Number), ("blocks", Number), ("transfersInProgress", Number),
            ("lastHeartbeatMs", Number), ("registeredMs", Number), ("connected", Bool));
    }

    [Fact]
    public async Task TheCheckpointJobAgreesWithCkptLsJsonAndItsAdviceWithCkptAdvise()
    {
        var listing = await CliJsonAsync(_cluster, "ckpt", "ls", "/jobs/api", "--json");
        var job = await GetJsonAsync($"{_http}/api/v1/checkpoints/job?job=/jobs/api&mtbfSeconds=21600&restartSeconds=600");
        HasShape(job, ("job", Text), ("latestStep", Number), ("retention", Object), ("checkpoints", Array), ("advice", Object));
        Assert.Equal(listing.GetProperty("job").GetString(), job.GetProperty("job").GetString());
        Assert.Equal(300UL, job.GetProperty("latestStep").GetUInt64());
        Assert.Equal(listing.GetProperty("latestStep").GetUInt64(), job.GetProperty("latestStep").GetUInt64());
        Assert.Equal(5, job.GetProperty("retention").GetProperty("keepLast").GetInt32());
        Assert.Equal(listing.GetProperty("retention").GetProperty("keepLast").GetInt32(), job.GetProperty("retention").GetProperty("keepLast").GetInt32());
        Assert.Equal(listing.GetProperty("retention").GetProperty("keepEvery").GetInt32(), job.GetProperty("retention").GetProperty("keepEvery").GetInt32());

        var cli = listing.GetProperty("checkpoints").EnumerateArray().ToList();
        var api = job.GetProperty("checkpoints").EnumerateArray().ToList();
        Assert.Equal([100UL, 200UL, 300UL], api.Select(c => c.GetProperty("step").GetUInt64()));
        Assert.Equal(cli.Count, api.Count);
        foreach (var (a, c) in api.Zip(cli))
        {
            HasShape(a, ("step", Number), ("state", Text), ("latest", Bool), ("path", Text), ("shards", Number), ("bytes", Number),
                ("committed", Text), ("committedMs", Number), ("blockingSaveMs", Number), ("totalSaveMs", Number));
            foreach (var name in new[] { "step", "state", "latest", "path", "shards", "bytes", "committed", "blockingSaveMs" })
            {
                Assert.Equal(c.GetProperty(name).GetRawText(), a.GetProperty(name).GetRawText());
            }
            Assert.Equal(420_000, a.GetProperty("bytes").GetInt64());
            Assert.True(a.GetProperty("totalSaveMs").GetInt64() >= a.GetProperty("blockingSaveMs").GetInt64());
        }

        var advise = await CliJsonAsync(_cluster, "ckpt", "advise", "/jobs/api", "--mtbf", "6h", "--restart", "10m", "--json");
        var advice = job.GetProperty("advice");
        HasShape(advice, ("costSeconds", Number), ("mtbfSeconds", Number), ("restartSeconds", Number), ("commits", Number), ("young", Object), ("daly", Object), ("current", Object));
        Assert.Equal(advise.GetProperty("costSeconds").GetDouble(), advice.GetProperty("costSeconds").GetDouble(), precision: 9);
        Assert.Equal(3, advice.GetProperty("commits").GetInt32());
        foreach (var name in new[] { "young", "daly", "current" })
        {
            Assert.Equal(advise.GetProperty(name).GetProperty("intervalSeconds").GetDouble(), advice.GetProperty(name).GetProperty("intervalSeconds").GetDouble(), precision: 6);
            Assert.Equal(advise.GetProperty(name).GetProperty("waste").GetDouble(), advice.GetProperty(name).GetProperty("waste").GetDouble(), precision: 9);
        }

        var jobs = await GetJsonAsync($"{_http}/api/v1/checkpoints");
        var summary = Assert.Single(jobs.GetProperty("jobs").EnumerateArray());
        HasShape(summary, ("job", Text), ("latestStep", Number), ("committed", Number), ("retention", Object));
        Assert.Equal(3, summary.GetProperty("committed").GetInt32());
    }

    [Fact]
    public async Task TheListingAndAFilesBlocksAgreeWithLsAndStatJson()
    {
        var listing = await GetJsonAsync($"{_http}/api/v1/listing?path=/data");
        HasShape(listing, ("path", Text), ("entries", Array), ("remaining", Number));
        var entry = Assert.Single(listing.GetProperty("entries").EnumerateArray());
        HasShape(entry, ("name", Text), ("path", Text), ("type", Text), ("length", Number), ("replication", Number), ("blockSize", Number), ("blocks", Number),
            ("modificationTimeMs", Number), ("owner", Text), ("group", Text), ("permission", Text), ("underConstruction", Bool));
        Assert.Equal(("model.bin", "/data/model.bin", "file", 300_000L, 2), (entry.GetProperty("name").GetString(), entry.GetProperty("path").GetString(),
            entry.GetProperty("type").GetString(), entry.GetProperty("length").GetInt64(), entry.GetProperty("replication").GetInt32()));
        var root = await GetJsonAsync($"{_http}/api/v1/listing");
        var names = root.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);   // name order (another test of the class may add /events)
        Assert.Contains("data", names);
        Assert.Contains("jobs", names);

        // Block locations are sorted nearest first for a reader; compare them as sets.
        await AgreesAsync(async () =>
        {
            var stat = await CliJsonAsync(_cluster, "stat", "--json", "/data/model.bin");
            var file = await GetJsonAsync($"{_http}/api/v1/file?path=/data/model.bin");
            var statBlocks = stat.GetProperty("blocks").EnumerateArray().ToList();
            var apiBlocks = file.GetProperty("blocks").EnumerateArray().ToList();
            Assert.Equal(5, apiBlocks.Count);   // 300,000 bytes in 64 KiB blocks
            Assert.Equal(statBlocks.Count, apiBlocks.Count);
            foreach (var (a, s) in apiBlocks.Zip(statBlocks))
            {
                HasShape(a, ("blockId", Number), ("generationStamp", Number), ("offset", Number), ("length", Number), ("corrupt", Bool), ("locations", Array));
                foreach (var name in new[] { "blockId", "generationStamp", "offset", "length", "corrupt" })
                {
                    Assert.Equal(s.GetProperty(name).GetRawText(), a.GetProperty(name).GetRawText());
                }
                string Nodes(JsonElement block) => string.Join(",", block.GetProperty("locations").EnumerateArray().Select(l => l.GetProperty("uuid").GetString()).Order(StringComparer.Ordinal));
                if (Nodes(a) != Nodes(s))
                {
                    return $"block {a.GetProperty("blockId")}: api on {Nodes(a)}, stat on {Nodes(s)}";
                }
            }
            return null;
        });
    }

    [Fact]
    public async Task ARefusedRequestIsAJsonErrorWithTheRightStatus()
    {
        var (status, body) = await GetErrorAsync($"{_http}/api/v1/file?path=/no/such/file");
        Assert.Equal(404, status);
        HasShape(body, ("error", Text), ("code", Text));
        Assert.Equal("FileNotFound", body.GetProperty("code").GetString());
        Assert.Equal(404, (await GetErrorAsync($"{_http}/api/v1/checkpoints/job?job=/no-such-job")).Status);
        Assert.Equal(400, (await GetErrorAsync($"{_http}/api/v1/checkpoints/job")).Status);
        Assert.Equal(400, (await GetErrorAsync($"{_http}/api/v1/listing?path=relative")).Status);
        Assert.Equal(400, (await GetErrorAsync($"{_http}/api/v1/events?limit=many")).Status);
    }

    [Fact]
    public async Task TheDataNodeStatusCountsItsReplicasAsTheNameNodeDoes()
    {
        await AgreesAsync(async () =>
        {
            var status = await GetJsonAsync($"{DataNodeHttp(_cluster, "dn0")}/api/v1/status");
            var fromNameNode = (await GetJsonAsync($"{_http}/api/v1/datanodes")).GetProperty("datanodes").EnumerateArray().Single(n => n.GetProperty("uuid").GetString() == "dn0");
            var volume = Assert.Single(status.GetProperty("volumes").EnumerateArray());
            HasShape(volume, ("storageId", Text), ("path", Text), ("failed", Bool), ("capacityBytes", Number), ("usedBytes", Number), ("remainingBytes", Number),
                ("finalizedReplicas", Number), ("finalizedBytes", Number), ("writingReplicas", Number), ("writingBytes", Number));
            HasShape(status.GetProperty("scanner"), ("enabled", Bool), ("passesCompleted", Number), ("passBytes", Number), ("passTotalBytes", Number),
                ("passStartedMs", Number), ("lastPassCompletedMs", Number), ("bytesScanned", Number), ("corruptFound", Number), ("bytesPerSecond", Number));
            Assert.Equal("dn0", status.GetProperty("uuid").GetString());
            Assert.True(status.GetProperty("registered").GetBoolean());
            var replicas = status.GetProperty("replicas").GetProperty("finalized").GetInt32();
            return replicas == fromNameNode.GetProperty("blocks").GetInt32() && replicas == volume.GetProperty("finalizedReplicas").GetInt32() && replicas > 0
                ? null
                : $"dn0 says {replicas} replicas ({volume.GetProperty("finalizedReplicas")} on its volume), the NameNode {fromNameNode.GetProperty("blocks")}";
        });
    }

    [Fact]
    public async Task ALeaseRecoveryIsAnEventWithItsPath()
    {
        // A live writer's file taken over with --force: lease recovery closes it, and says so.
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = _cluster.Address });
        var output = await client.CreateAsync("/events/open", new CreateFileOptions { BlockSizeBytes = 1024 * 1024 }).WaitAsync(TimeSpan.FromSeconds(60));
        try
        {
            await output.WriteAsync(TestFiles.RandomBytes(50_000, seed: 5)).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            await output.FlushAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var forced = await _cluster.CliAsync("recover-lease", "--force", "--timeout", "60s", "/events/open");
            Assert.True(forced.ExitCode == 0, $"recover-lease exited {forced.ExitCode}\n{forced.Stdout}\n{forced.Stderr}");
        }
        finally
        {
            await output.AbortAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        var events = await GetJsonAsync($"{_http}/api/v1/events");
        HasShape(events, ("total", Number), ("capacity", Number), ("events", Array));
        Assert.Equal(256, events.GetProperty("capacity").GetInt32());
        var recovered = events.GetProperty("events").EnumerateArray().First(e => e.GetProperty("kind").GetString() == "lease-recovered");
        HasShape(recovered, ("sequence", Number), ("time", Text), ("timeMs", Number), ("kind", Text), ("subject", Text), ("message", Text));
        Assert.Equal("/events/open", recovered.GetProperty("subject").GetString());
        Assert.Contains("/events/open", recovered.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True((await GetJsonAsync($"{_http}/api/v1/overview")).GetProperty("events").GetInt64() >= 1);
        Assert.Single((await GetJsonAsync($"{_http}/api/v1/events?limit=1")).GetProperty("events").EnumerateArray());
    }

    /// <summary>Retries <paramref name="check"/> (null: agreed; else why not) for up to 30 s: two reads are two moments of a live cluster.</summary>
    private async Task AgreesAsync(Func<Task<string?>> check)
    {
        string? why = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            why = await check();
            if (why is null)
            {
                return;
            }
            await Task.Delay(500);
        }
        Assert.Fail($"The API and the CLI did not agree within 30 s: {why}\n{_cluster.Logs()}");
    }
}
