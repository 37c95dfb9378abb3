using System.Diagnostics;
using System.Globalization;
using System.Net;
using CkptFS.Client;
using CkptFS.Protocol.V1;
using CkptFS.Testing;
using Xunit.Abstractions;

namespace CkptFS.IntegrationTests.Maintenance;

/// <summary>
/// DataNode maintenance on real processes (issue 11): a DataNode stopped by SIGTERM, as Kubernetes
/// stops a pod, drains its writes, exits 0, and the NameNode keeps it in maintenance: nothing is
/// re-replicated, no put fails, though it stays away longer than the disconnect grace that declares
/// a crashed node dead; started again on its folder it is live and ready. Replication 2 on 3
/// DataNodes, so that every block keeps a live replica and a copy would be a bug.
/// </summary>
public sealed class DataNodeMaintenanceTests(ITestOutputHelper output)
{
    private const int BlockBytes = 8 * 1024 * 1024;

    /// <summary>ShutdownDrainTimeout (20 s) + the maintenance call and the last report (5 s each) + the process's own stop.</summary>
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(40);

    /// <summary>
    /// How long a stopped DataNode stays away: past the disconnect grace (10 s) and the liveness check
    /// after it (3 s), which would declare it dead and re-replicate its blocks without maintenance (a
    /// pod restart often takes this long: a new container, a volume attached again).
    /// </summary>
    private static readonly TimeSpan Away = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ADataNodeStoppedMidPutEntersMaintenanceAndComesBackWithoutACopy()
    {
        using var cluster = await RestartCluster.StartAsync(dataNodes: 3);
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address });
        await WaitAllReadyAsync(cluster, client, 3);

        var put = new PutLoop(client, "/maint", fileBytes: 384 << 20, BlockBytes, replication: 2, maxFiles: 1);
        put.Start();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.True(put.Running, "The put ended before the DataNode was stopped: the test proves nothing.");
        var stopped = Stopwatch.StartNew();
        var (exitCode, took) = await cluster.StopDataNodeAsync(1, StopBound);
        Assert.True(exitCode == 0, $"dn1 exited {exitCode}");
        Assert.True(took < StopBound, $"dn1 took {took} to stop");

        var report = await RestartCluster.WaitReportAsync(client, r => RestartCluster.StateOf(r, 1) == DatanodeState.InMaintenance, "dn1 in maintenance");
        var metrics = await PrometheusScrape.GetAsync(cluster.NameNode.HttpAddress);
        Assert.Equal(1, metrics.Value("ckptfs_namenode_datanodes", ("state", "in_maintenance")));
        await put.WaitForMoreAsync(0, RestartCluster.Timeout);
        await put.StopAsync(RestartCluster.Timeout);
        Assert.Empty(put.Failures);
        Assert.Equal(1, put.Completed);
        await put.AssertAllReadBackAsync(RestartCluster.Timeout);
        if (Away - stopped.Elapsed is { Ticks: > 0 } rest)
        {
            await Task.Delay(rest);
        }
        // Still in maintenance (the dead rules would have declared it dead 10 s after its stream broke).
        Assert.Equal(DatanodeState.InMaintenance, RestartCluster.StateOf(await client.GetDatanodeReportAsync(), 1));
        await cluster.AssertNothingCopiedAsync();

        var restarted = Stopwatch.StartNew();
        await cluster.StartDataNodeAsync(1);
        var ready = await cluster.WaitReadyAsync(1);
        report = await RestartCluster.WaitReportAsync(client, r => RestartCluster.StateOf(r, 1) == DatanodeState.Live, "dn1 live again");
        Assert.DoesNotContain(report.Datanodes, d => d.State == DatanodeState.InMaintenance);
        // Three replication scans (1 s apart) after the node is back: still nothing copied, nothing under-replicated.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await cluster.AssertNothingCopiedAsync();
        Assert.Equal(0UL, (await client.GetDatanodeReportAsync()).UnderReplicatedBlocks);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dn1 stopped (exit 0) {took.TotalSeconds:0.00} s after SIGTERM, away {stopped.Elapsed.TotalSeconds - restarted.Elapsed.TotalSeconds:0.0} s; " +
            $"ready {ready.TotalSeconds:0.00} s after it listened ({restarted.Elapsed.TotalSeconds:0.00} s after its start command); " +
            $"put of 384 MiB took {put.Longest.TotalSeconds:0.0} s; 0 transfers scheduled"));
    }

    [Fact]
    public async Task ARollingRestartOfEveryDataNodeUnderAPutLoopFailsNoPutAndCopiesNoBlock()
    {
        using var cluster = await RestartCluster.StartAsync(dataNodes: 3);
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address });
        await WaitAllReadyAsync(cluster, client, 3);

        var put = new PutLoop(client, "/rolling", fileBytes: 24 << 20, BlockBytes, replication: 2);
        put.Start();
        await put.WaitForMoreAsync(2, RestartCluster.Timeout);
        var total = Stopwatch.StartNew();
        var steps = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (exitCode, took) = await cluster.StopDataNodeAsync(i, StopBound);
            Assert.True(exitCode == 0, $"dn{i} exited {exitCode}");
            Assert.Equal(DatanodeState.InMaintenance, RestartCluster.StateOf(await client.GetDatanodeReportAsync(), i));
            await Task.Delay(Away);
            Assert.Equal(DatanodeState.InMaintenance, RestartCluster.StateOf(await client.GetDatanodeReportAsync(), i));
            await cluster.StartDataNodeAsync(i);
            var ready = await cluster.WaitReadyAsync(i);
            await RestartCluster.WaitReportAsync(client, r => RestartCluster.StateOf(r, i) == DatanodeState.Live, $"dn{i} live again");
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"dn{i}: stop {took.TotalSeconds:0.00} s, away {Away.TotalSeconds:0} s, listening to ready {ready.TotalSeconds:0.00} s"));
            await put.WaitForMoreAsync(1, RestartCluster.Timeout);
        }
        var rolled = total.Elapsed;
        await put.StopAsync(RestartCluster.Timeout);
        Assert.Empty(put.Failures);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await cluster.AssertNothingCopiedAsync();
        await put.AssertAllReadBackAsync(RestartCluster.Timeout);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rolling restart of 3 DataNodes took {rolled.TotalSeconds:0.0} s ({string.Join("; ", steps)}); " +
            $"{put.Completed} puts of 24 MiB, 0 failed, median {put.Median.TotalSeconds:0.00} s, longest {put.Longest.TotalSeconds:0.00} s; 0 blocks copied"));
    }

    [Fact]
    public async Task ReadyzIs503UntilTheNodeRegisteredAndReportedThen200()
    {
        using var cluster = RestartCluster.WithoutProcesses();
        var http = await cluster.StartDataNodeAsync(0, cluster.PlannedAddress);
        var (status, body) = await cluster.ReadyzAsync(http);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("not registered with the NameNode", body, StringComparison.Ordinal);

        await cluster.StartNameNodeAsync();
        var ready = await cluster.WaitReadyAsync(0);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {ready.TotalSeconds:0.00} s after the NameNode started"));
        Assert.Equal("ready\n", (await cluster.ReadyzAsync(0)).Body);
    }

    private static async Task WaitAllReadyAsync(RestartCluster cluster, CkptFsClient client, int count)
    {
        await RestartCluster.WaitReportAsync(client, r => r.Datanodes.Count(d => d.State == DatanodeState.Live) == count && !r.SafeMode, $"{count} live DataNodes");
        for (var i = 0; i < count; i++)
        {
            await cluster.WaitReadyAsync(i);
        }
    }
}
