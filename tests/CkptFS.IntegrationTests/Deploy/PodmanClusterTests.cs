using System.Diagnostics;
using System.Globalization;
using CkptFS.Testing;
using Xunit.Abstractions;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// The most real run this machine allows (no API server can run here): the rendered manifests of
/// deploy/test/podman/overlay (the dev overlay with three DataNodes) run on podman by
/// deploy/test/podman/cluster.mjs, StatefulSets expanded into pods as their controller would, on
/// the image deploy/image/build.sh makes. From a client container: a multi-block put/get, the
/// report, a checkpoint save and restore; then a rolling restart of the DataNodes, one at a time,
/// under a put loop; then the NameNode pod deleted and made again on its volume under a put loop.
/// No put may fail and every file must read back identical. Prints the figures the README quotes.
/// </summary>
[Trait("Category", "Slow")]
[Collection(PodmanCollection.Name)]
public sealed class PodmanClusterTests(ITestOutputHelper output)
{
    private const string Overlay = "deploy/test/podman/overlay";
    private const string NameNodePod = "ckptfs-namenode-0";
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_putsAround = TimeSpan.FromSeconds(4);

    [PodmanFact]
    public async Task TheRenderedManifestsRunOnPodmanAndRideThroughRollingRestarts()
    {
        var total = Stopwatch.StartNew();
        await TestImage.EnsureBuiltAsync();
        output.WriteLine($"image ready in {total.Elapsed.TotalSeconds:F0} s");
        var yaml = await PodmanCluster.RenderAsync(Overlay);
        using var work = new TempDirectory("ckptfs-podman-cluster");
        // Disposed in reverse: the client container first, then the cluster's pods, network and volumes.
        await using var cluster = new PodmanCluster(work.Combine("state"));
        await using var podman = new Podman();
        try
        {
            var play = Stopwatch.StartNew();
            await cluster.UpAsync(yaml, TestImage.Tag);
            var client = await ClientContainer.StartAsync(podman, cluster, TestImage.Tag);
            var dataNodes = cluster.Pods.Where(p => p.StartsWith("ckptfs-datanode-", StringComparison.Ordinal)).ToList();
            Assert.Equal(3, dataNodes.Count);
            var hosts = dataNodes.ToDictionary(p => p, p => cluster.Env(p, "datanode", "CKPTFS_DATANODE__ADVERTISEDHOST")!);
            await ClusterWaits.ClusterReadyAsync(client, [.. hosts.Values], s_readyTimeout);
            Figure("play to a ready cluster (1 NameNode, 3 DataNodes)", $"{play.Elapsed.TotalSeconds:F1} s");

            await RoundTripsAsync(client, [.. hosts.Values]);
            var rolling = await RollingRestartAsync(cluster, client, hosts);
            await NameNodeRestartAsync(cluster, client, hosts, rolling);
            output.WriteLine($"whole test {total.Elapsed.TotalSeconds:F0} s");
        }
        catch
        {
            foreach (var pod in cluster.Pods)
            {
                var container = pod.StartsWith("ckptfs-namenode", StringComparison.Ordinal) ? "namenode" : "datanode";
                var logs = await cluster.LogsAsync(pod, container);
                output.WriteLine($"--- {pod} (last 30 lines)\n{string.Join('\n', logs.Split('\n').TakeLast(30))}");
            }
            throw;
        }
    }

    private async Task RoundTripsAsync(ClientContainer client, IReadOnlyList<string> hosts)
    {
        var result = await client.ShAsync(RoundTripScript.Text, TimeSpan.FromMinutes(3));
        output.WriteLine(result.Stdout);
        Assert.True(result.ExitCode == 0 && result.Stdout.Contains("ROUND TRIPS OK", StringComparison.Ordinal),
            $"round trips failed (exit {result.ExitCode}):\n{result.Stdout}\n{result.Stderr}");
        // "0 in maintenance" is in the line once DataNodes have a maintenance state.
        Assert.Matches(@"DataNodes: 3 live, 0 stale, (0 in maintenance, )?0 dead", result.Stdout);
        foreach (var host in hosts)
        {
            Assert.Contains(host, result.Stdout, StringComparison.Ordinal);
        }
    }

    /// <summary>As the StatefulSet controller rolls an update: from the highest ordinal down, one pod at a time, the next only once the last is ready.</summary>
    private async Task<PutLoop> RollingRestartAsync(PodmanCluster cluster, ClientContainer client, Dictionary<string, string> hosts)
    {
        var replicatedBefore = await BlocksCopiedAsync(cluster, client);
        var loop = PutLoop.Start(client, "rolling");
        try
        {
            await RollAsync(cluster, client, hosts, loop, replicatedBefore);
            return loop;
        }
        catch
        {
            loop.Dispose();
            throw;
        }
    }

    private async Task RollAsync(PodmanCluster cluster, ClientContainer client, Dictionary<string, string> hosts, PutLoop loop, double replicatedBefore)
    {
        await Task.Delay(s_putsAround);
        var rolling = Stopwatch.StartNew();
        foreach (var pod in hosts.Keys.OrderDescending(StringComparer.Ordinal))
        {
            var down = await cluster.DeleteAsync(pod);
            var back = Stopwatch.StartNew();
            await cluster.PlayAsync(pod);
            await ClusterWaits.DataNodeReadyAsync(client, hosts[pod], s_readyTimeout);
            output.WriteLine($"{pod}: stopped (SIGTERM) in {down.TotalSeconds:F1} s, played and ready again in {back.Elapsed.TotalSeconds:F1} s");
        }
        var rollingTime = rolling.Elapsed;
        await Task.Delay(s_putsAround);
        var puts = await loop.StopAsync();
        output.WriteLine($"rolling restart put loop: {puts}");
        var verified = await loop.VerifyAsync();
        var copied = await BlocksCopiedAsync(cluster, client) - replicatedBefore;
        Figure("rolling restart of 3 DataNodes: total time", $"{rollingTime.TotalSeconds:F1} s");
        Figure("rolling restart: puts / failed puts", $"{puts.Puts.Count} / {puts.Failed}");
        Figure("rolling restart: blocks copied (re-replications the NameNode scheduled)", copied.ToString(CultureInfo.InvariantCulture));
        Assert.True(puts.Failed == 0, $"{puts.Failed} puts failed during the rolling restart:\n{puts.Output}");
        Assert.Equal(puts.Puts.Count, verified);
        if (copied != 0)
        {
            Assert.Fail($"the NameNode copied {copied} blocks during the rolling restart (maintenance keeps a stopped DataNode's replicas):\n{await cluster.LogsAsync(NameNodePod, "namenode")}");
        }
    }

    private async Task NameNodeRestartAsync(PodmanCluster cluster, ClientContainer client, Dictionary<string, string> hosts, PutLoop rolling)
    {
        using var loop = PutLoop.Start(client, "namenode");
        await Task.Delay(s_putsAround);
        var restart = Stopwatch.StartNew();
        var down = await cluster.DeleteAsync(NameNodePod);
        await cluster.PlayAsync(NameNodePod);
        await ClusterWaits.ClusterReadyAsync(client, [.. hosts.Values], s_readyTimeout);
        output.WriteLine($"{NameNodePod}: stopped (SIGTERM) in {down.TotalSeconds:F1} s, played and out of safe mode with 3 live DataNodes in {restart.Elapsed.TotalSeconds:F1} s");
        await Task.Delay(s_putsAround);
        var puts = await loop.StopAsync();
        output.WriteLine($"NameNode restart put loop: {puts}");
        output.WriteLine(string.Join('\n', puts.Output.Split('\n').Where(l => l.StartsWith("PUT ", StringComparison.Ordinal) || l.StartsWith("SLOW ", StringComparison.Ordinal))));
        Figure("NameNode restart: puts / failed puts", $"{puts.Puts.Count} / {puts.Failed}");
        Figure("NameNode restart: longest put (stall), median put", $"{puts.Longest.TotalSeconds:F1} s, {puts.Median.TotalSeconds:F2} s");
        Assert.True(puts.Failed == 0, $"{puts.Failed} puts failed during the NameNode restart:\n{puts.Output}");
        Assert.Equal(puts.Puts.Count, await loop.VerifyAsync());
        // Everything written before the restart is still there and identical.
        Assert.True(await rolling.VerifyAsync() > 0);
        using (rolling)
        {
            var earlier = await client.ShAsync(StillThereScript, TimeSpan.FromMinutes(2));
            Assert.True(earlier.ExitCode == 0 && earlier.Stdout.Contains("STILL THERE", StringComparison.Ordinal), $"{earlier.Stdout}\n{earlier.Stderr}");
        }
    }

    private void Figure(string what, string value) => output.WriteLine($"FIGURE {what}: {value}");

    /// <summary>
    /// Block copies the NameNode's replication monitor has scheduled: its metric where it has one,
    /// else its log ("Replicating {BlockId} ... from {Source} to {Targets}", one line per copy).
    /// </summary>
    private static async Task<double> BlocksCopiedAsync(PodmanCluster cluster, ClientContainer client) =>
        await NameNodeScrape.ValueAsync(client, "ckptfs_namenode_replication_transfers_scheduled_total")
            ?? (await cluster.LogsAsync(NameNodePod, "namenode")).Split('\n').Count(l => l.Contains("\"MessageTemplate\":\"Replicating {BlockId}", StringComparison.Ordinal));

    // After the restarts: RoundTripScript's file and checkpoint read back identical.
    private const string StillThereScript = """
        rm -rf /tmp/again.bin /tmp/restored-again
        ckptfs get /data/in.bin /tmp/again.bin
        cmp /tmp/in.bin /tmp/again.bin
        ckptfs ckpt restore /jobs/demo /tmp/restored-again
        diff -r /tmp/step /tmp/restored-again
        echo "STILL THERE"
        """;
}
