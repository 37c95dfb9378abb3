using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>
/// /metrics of a real NameNode and a real DataNode (processes), scraped as Prometheus does: the
/// series names of earlier releases, their types, the DataNode's <c>node</c> label, values that
/// follow the cluster, and the process's own CPU and memory.
/// </summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private static readonly string[] NameNodeSeries =
    [
        "ckptfs_namenode_inodes",
        "ckptfs_namenode_mutations_committed_total",
        "ckptfs_namenode_commit_groups_total",
        "ckptfs_namenode_commit_sync_seconds_total",
    ];

    private static readonly string[] DataNodeSeries =
    [
        "ckptfs_datanode_replicas",
        "ckptfs_datanode_used_bytes",
        "ckptfs_datanode_remaining_bytes",
        "ckptfs_datanode_capacity_bytes",
        "ckptfs_datanode_transfers_in_progress",
        "ckptfs_datanode_registered",
    ];

    private readonly TempDirectory _local = new("ckptfs-metrics");
    private LocalClusterProcesses _cluster = null!;

    public async Task InitializeAsync() => _cluster = await LocalClusterProcesses.StartAsync(dataNodes: 1);

    public Task DisposeAsync()
    {
        _cluster.Dispose();
        _local.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TheNameNodeCountsInodesAndDurableMutations()
    {
        var address = _cluster.State().GetProperty("nameNode").GetProperty("httpAddress").GetString()!;
        var before = await PrometheusScrape.GetAsync(address);
        // prometheus-net exports System.Diagnostics.Metrics counters as gauges (README: Metrics).
        Assert.All(NameNodeSeries, name => Assert.Equal("gauge", before.Types[name]));
        Assert.DoesNotContain(before.Samples, s => s.Name.StartsWith("ckptfs_datanode_", StringComparison.Ordinal));

        (await _cluster.CliAsync("mkdir", "-p", "/metrics/a/b")).EnsureSuccess();

        var after = await PrometheusScrape.GetAsync(address);
        Assert.Equal(before.Value("ckptfs_namenode_inodes") + 3, after.Value("ckptfs_namenode_inodes"));
        Assert.All(NameNodeSeries.Skip(1), name => Assert.True(after.Value(name) > before.Value(name), $"{name} did not grow:\n{after.Text}"));
        Assert.Equal("counter", after.Types["process_cpu_seconds_total"]);
        Assert.True(after.Value("process_cpu_seconds_total") > 0);
        Assert.True(after.Value("process_working_set_bytes") > 0);
    }

    [Fact]
    public async Task TheDataNodeReportsItsReplicasAndDisksUnderItsNodeLabel()
    {
        var node = _cluster.State().GetProperty("dataNodes")[0];
        var address = node.GetProperty("httpAddress").GetString()!;
        var label = ("node", node.GetProperty("nodeId").GetString()!);
        await ClusterChecks.WaitUntilAsync(_cluster, async () => (await PrometheusScrape.GetAsync(address)).Value("ckptfs_datanode_registered", label) == 1,
            "the DataNode to say it is registered");
        var before = await PrometheusScrape.GetAsync(address);
        Assert.All(DataNodeSeries, name => Assert.Equal("gauge", before.Types[name]));
        Assert.All(before.Samples.Where(s => s.Name.StartsWith("ckptfs_", StringComparison.Ordinal)), s => Assert.Equal(label.Item2, s.Labels["node"]));
        Assert.DoesNotContain(before.Samples, s => s.Name.StartsWith("ckptfs_namenode_", StringComparison.Ordinal));
        Assert.True(before.Value("ckptfs_datanode_capacity_bytes", label) > 0);
        Assert.InRange(before.Value("ckptfs_datanode_remaining_bytes", label), 0, before.Value("ckptfs_datanode_capacity_bytes", label));
        Assert.Equal(0, before.Value("ckptfs_datanode_transfers_in_progress", label));

        const int Bytes = 1024 * 1024;
        var source = TestFiles.WriteRandom(_local.Combine("shard"), Bytes, seed: 9);
        (await _cluster.CliAsync("put", "-q", "-r", "1", source, "/metrics/shard")).EnsureSuccess();

        var after = await PrometheusScrape.GetAsync(address);
        Assert.Equal(before.Value("ckptfs_datanode_replicas", label) + 1, after.Value("ckptfs_datanode_replicas", label));
        Assert.True(after.Value("ckptfs_datanode_used_bytes", label) >= before.Value("ckptfs_datanode_used_bytes", label) + Bytes, after.Text);
        Assert.True(after.Value("process_cpu_seconds_total") > 0);
    }
}
