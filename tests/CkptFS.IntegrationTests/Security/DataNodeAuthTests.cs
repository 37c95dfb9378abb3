using System.Text.RegularExpressions;
using CkptFS.Client;
using CkptFS.Protocol.Security;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Security;

/// <summary>
/// `cluster start` makes a cluster secret and its DataNodes prove it. A DataNode process without the
/// secret, or with another one, is refused (it logs why; the NameNode logs the refusal), never
/// appears in `report` and never receives a block: files written with r=3 on the 2 good nodes plus
/// the rogues have replicas on the good nodes only.
/// </summary>
public sealed class DataNodeAuthTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _work = new("ckptfs-rogue");

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task DataNodesWithoutTheClusterSecretAreRefusedAndGetNoBlocks()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(2);
        Assert.True(File.Exists(cluster.SecretFile), "cluster start made no secret file");
        var wrongSecret = _work.Combine("wrong-secret");
        ClusterSecret.Generate(wrongSecret);
        using var noSecret = StartRogue(cluster, "rogue-none", new Dictionary<string, string>());
        using var wrong = StartRogue(cluster, "rogue-wrong", new Dictionary<string, string> { ["CKPTFS_DATANODE__SECURITY__CLUSTERSECRETFILE"] = wrongSecret });

        await WaitForLogAsync(noSecret, new Regex("Registration with the NameNode .* failed[^\n]*\n.*carries no cluster proof.*This NameNode requires the cluster secret: set Security:ClusterSecretFile"));
        await WaitForLogAsync(wrong, new Regex("does not match this NameNode's cluster secret.*This NameNode requires the cluster secret"));
        var nameNodeLog = File.ReadAllText(Path.Combine(cluster.Directory, "logs", "namenode.log"));
        Assert.Contains("Refused DataNode call Register from", nameNodeLog, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"Refused DataNode call \w+ from \S+ \(uuid rogue-wrong\)"), nameNodeLog);

        var source = TestFiles.WriteRandom(_work.Combine("shard"), 300_000, seed: 1421);
        for (var i = 0; i < 3; i++)
        {
            (await cluster.CliAsync("put", "-r", "3", source, $"/rogue/f{i}")).EnsureSuccess();
        }

        var report = await cluster.CliAsync("report");
        report.EnsureSuccess();
        Assert.DoesNotContain("rogue", report.Stdout, StringComparison.Ordinal);
        Assert.Contains("dn0", report.Stdout, StringComparison.Ordinal);
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address });
        var nodes = (await client.GetDatanodeReportAsync().WaitAsync(Timeout)).Datanodes.Select(d => d.Id.DatanodeUuid).Order().ToList();
        Assert.Equal(["dn0", "dn1"], nodes);
        for (var i = 0; i < 3; i++)
        {
            var blocks = (await client.GetBlockLocationsAsync($"/rogue/f{i}").WaitAsync(Timeout)).Blocks;
            Assert.All(blocks, b => Assert.Equal(["dn0", "dn1"], b.Locations.Select(l => l.DatanodeUuid).Order().ToList()));
        }
        foreach (var rogue in new[] { "rogue-none", "rogue-wrong" })
        {
            Assert.Empty(Directory.EnumerateFiles(_work.Combine(rogue), "blk_*", SearchOption.AllDirectories));
        }
        Assert.False(noSecret.HasExited || wrong.HasExited, "a refused DataNode keeps trying (and logging) rather than exiting");
    }

    /// <summary>Waits until the process's log (stderr: every level goes there) matches <paramref name="pattern"/>.</summary>
    private static async Task WaitForLogAsync(ChildProcess process, Regex pattern)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!pattern.IsMatch(process.Stderr))
        {
            Assert.True(DateTime.UtcNow < deadline && !process.HasExited, $"No log matching /{pattern}/ from pid {process.Pid}:\n{process.Stderr}");
            await Task.Delay(100);
        }
    }

    private ChildProcess StartRogue(LocalClusterProcesses cluster, string name, Dictionary<string, string> settings) =>
        ChildProcess.Start(RepoPaths.Launcher,
            ["datanode", "--namenode", cluster.Address, "--data", _work.Combine(name), "--port", "0", "--http-port", "0", "--id", name], settings);
}
