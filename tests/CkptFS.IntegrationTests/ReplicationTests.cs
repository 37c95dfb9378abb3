using System.Text.Json;
using System.Text.RegularExpressions;
using CkptFS.Testing;
using static CkptFS.IntegrationTests.ClusterChecks;

namespace CkptFS.IntegrationTests;

/// <summary>A DataNode killed for good: its blocks come back to full replication elsewhere; when it returns, the extras go.</summary>
public sealed class ReplicationTests : IDisposable
{
    /// <summary>Liveness in seconds instead of minutes: dead after 2 x 1 s + 10 x 0.5 s = 7 s without heartbeats.</summary>
    private static readonly Dictionary<string, string> FastLiveness = new()
    {
        ["CKPTFS_NAMENODE__DATANODES__HEARTBEATINTERVAL"] = "00:00:00.5",
        ["CKPTFS_NAMENODE__DATANODES__STALEINTERVAL"] = "00:00:03",
        ["CKPTFS_NAMENODE__DATANODES__RECHECKINTERVAL"] = "00:00:01",
        ["CKPTFS_DATANODE__NAMENODE__HEARTBEATINTERVAL"] = "00:00:00.5",
    };

    private readonly TempDirectory _local = new("ckptfs-repl");

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task ADeadDataNodesBlocksAreReReplicatedAndItsReturnRemovesTheExcess()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(4, FastLiveness);
        var source = TestFiles.WriteRandom(_local.Combine("shard"), 1_000_000, seed: 101);
        (await cluster.CliAsync("put", "-r", "2", "--block-size", "64K", source, "/repl/shard")).EnsureSuccess();
        var victim = (await BlocksAsync(cluster))[0].Nodes[0];
        var node = cluster.State().GetProperty("dataNodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == victim);
        using (var process = System.Diagnostics.Process.GetProcessById(node.GetProperty("pid").GetInt32()))
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        await WaitUntilAsync(cluster, async () => (await BlocksAsync(cluster)).All(b => b.Nodes.Count == 2 && !b.Nodes.Contains(victim)),
            "every block back at 2 replicas without the dead node");
        var back = _local.Combine("back");
        (await cluster.CliAsync("get", "/repl/shard", back)).EnsureSuccess();
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(back));

        // The node returns with its old replicas: each block now has one too many, and the extras are deleted.
        using var returned = ChildProcess.Start(RepoPaths.Launcher,
            ["datanode", "--namenode", cluster.Address, "--data", node.GetProperty("dataDirectory").GetString()!, "--port", "0", "--http-port", "0", "--id", victim],
            cluster.DataNodeSettings(FastLiveness));
        await returned.WaitForLineAsync(new Regex("DataNode listening"), TimeSpan.FromSeconds(120));
        var blockIds = (await BlocksAsync(cluster)).Select(b => b.Id).ToList();
        int ReplicaFiles() => blockIds.Sum(id => Directory.EnumerateFiles(cluster.Directory, $"blk_{id}", SearchOption.AllDirectories).Count(f => f.Contains("finalized", StringComparison.Ordinal)));
        await WaitUntilAsync(cluster, () => Task.FromResult(ReplicaFiles() == 2 * blockIds.Count), $"exactly 2 finalized replicas per block on disk (now {ReplicaFiles()} for {blockIds.Count} blocks)");
        Assert.All(await BlocksAsync(cluster), b => Assert.Equal(2, b.Nodes.Count));
        var again = _local.Combine("again");
        (await cluster.CliAsync("get", "/repl/shard", again)).EnsureSuccess();
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(again));
        returned.Kill();
    }

    [Fact]
    public async Task WithDefaultSettingsAKilledDataNodeIsDeclaredDeadWithinSecondsNotMinutes()
    {
        // Default liveness: silence alone would take 10.5 minutes; a broken heartbeat stream, 10 s of grace.
        using var cluster = await LocalClusterProcesses.StartAsync(4);
        var source = TestFiles.WriteRandom(_local.Combine("shard"), 500_000, seed: 121);
        (await cluster.CliAsync("put", "-r", "2", "--block-size", "64K", source, "/repl/shard")).EnsureSuccess();
        var victim = (await BlocksAsync(cluster))[0].Nodes[0];
        var node = cluster.State().GetProperty("dataNodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == victim);
        var killedAt = DateTime.UtcNow;
        using (var process = System.Diagnostics.Process.GetProcessById(node.GetProperty("pid").GetInt32()))
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        await WaitUntilAsync(cluster, async () => (await BlocksAsync(cluster)).All(b => b.Nodes.Count == 2 && !b.Nodes.Contains(victim)),
            "every block back at 2 replicas without the killed node");
        Assert.True(DateTime.UtcNow - killedAt < TimeSpan.FromSeconds(60), $"took {(DateTime.UtcNow - killedAt).TotalSeconds:0} s");
        using var report = JsonDocument.Parse((await cluster.CliAsync("report", "--json")).EnsureSuccess().Stdout);
        Assert.Equal("dead", report.RootElement.GetProperty("datanodes").EnumerateArray().Single(n => n.GetProperty("uuid").GetString() == victim).GetProperty("state").GetString());
    }

    [Fact]
    public async Task ACorruptReplicaFoundByTheScannerIsReplacedAndTheClusterHeals()
    {
        var fastScanner = new Dictionary<string, string>
        {
            ["CKPTFS_DATANODE__SCANNER__INITIALDELAY"] = "00:00:00",
            ["CKPTFS_DATANODE__SCANNER__PASSINTERVAL"] = "00:00:01",
            ["CKPTFS_DATANODE__SCANNER__BYTESPERSECOND"] = "1073741824",
        };
        using var cluster = await LocalClusterProcesses.StartAsync(4, fastScanner);
        var source = TestFiles.WriteRandom(_local.Combine("shard"), 200_000, seed: 111);
        (await cluster.CliAsync("put", "-r", "3", "--block-size", "64K", source, "/repl/shard")).EnsureSuccess();
        var block = (await BlocksAsync(cluster))[1];
        var victim = block.Nodes[0];
        var replica = Directory.EnumerateFiles(cluster.DataNodeDirectory(victim), $"blk_{block.Id}", SearchOption.AllDirectories).Single();
        using (var file = new FileStream(replica, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = 777;
            var value = file.ReadByte();
            file.Position = 777;
            file.WriteByte((byte)(value ^ 0x10));
        }

        // The scanner reports it; the NameNode copies the block from a good replica to the spare node,
        // then deletes the corrupt one: 3 good replicas, none on the node whose copy went bad.
        await WaitUntilAsync(cluster, async () =>
        {
            var now = (await BlocksAsync(cluster)).Single(b => b.Id == block.Id);
            return now.Nodes.Count == 3 && !now.Nodes.Contains(victim) && !File.Exists(replica)
                && (await cluster.CliAsync("fsck", "/repl")).ExitCode == 0;
        }, "the corrupt replica replaced, deleted, and fsck healthy");
        Assert.Contains("Block scanner", File.ReadAllText(Path.Combine(cluster.Directory, "logs", victim + ".log")), StringComparison.Ordinal);
        var back = _local.Combine("healed");
        (await cluster.CliAsync("get", "/repl/shard", back)).EnsureSuccess();
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(back));
    }

    private static Task<List<BlockNodes>> BlocksAsync(LocalClusterProcesses cluster) => ClusterChecks.BlocksAsync(cluster, "/repl/shard");
}
