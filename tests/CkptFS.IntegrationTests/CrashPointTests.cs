using System.Text.Json;
using System.Text.RegularExpressions;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>Processes killed at named fault points (CKPTFS_FAULTS): what was durable stays, nothing half-done is served.</summary>
public sealed class CrashPointTests : IDisposable
{
    private readonly TempDirectory _work = new("ckptfs-crash");

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task ANameNodeKilledAfterItsDurableWriteButBeforeReplyingKeepsTheChange()
    {
        // skip=3: the first durable commit of a new NameNode is its block keys (Security/BlockKeySet), then /a and /b.
        var faults = new Dictionary<string, string> { ["CKPTFS_FAULTS"] = "NameNodeAfterCommitBeforeReply=crash:skip=3" };
        using (var nameNode = await NameNodeProcess.StartAsync(_work.Path, faults))
        {
            // No waiting for the NameNode: the crash is the end of this one (the restart is on another port).
            var env = new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = nameNode.Address, ["CKPTFS_NAMENODE_WAIT"] = "0" };
            (await CliRun.RunAsync(["mkdir", "/a"], env)).EnsureSuccess();
            (await CliRun.RunAsync(["mkdir", "/b"], env)).EnsureSuccess();
            var third = await CliRun.RunAsync(["mkdir", "/c"], env);
            Assert.NotEqual(0, third.ExitCode); // the NameNode died before answering
            Assert.Contains("injected crash at NameNodeAfterCommitBeforeReply", (await WaitForExitAsync(nameNode.Process)).Stderr, StringComparison.Ordinal);
        }
        using var restarted = await NameNodeProcess.StartAsync(_work.Path);
        var listing = (await CliRun.RunAsync(["ls", "/", "--namenode", restarted.Address])).EnsureSuccess().Stdout;
        Assert.Contains(" /a", listing, StringComparison.Ordinal);
        Assert.Contains(" /b", listing, StringComparison.Ordinal);
        Assert.Contains(" /c", listing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADataNodeKilledBeforeFinalizingLeavesNoFinalizedReplica()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(1);
        var node = cluster.State().GetProperty("dataNodes")[0];
        var nodeDirectory = node.GetProperty("dataDirectory").GetString()!;
        using (var original = System.Diagnostics.Process.GetProcessById(node.GetProperty("pid").GetInt32()))
        {
            original.Kill();
            await original.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        var faults = cluster.DataNodeSettings(new Dictionary<string, string> { ["CKPTFS_FAULTS"] = "DataNodeBeforeFinalize=crash" });
        using var faulty = ChildProcess.Start(RepoPaths.Launcher,
            ["datanode", "--namenode", cluster.Address, "--data", nodeDirectory, "--port", "0", "--http-port", "0", "--id", "dn0"], faults);
        await faulty.WaitForLineAsync(new Regex("DataNode listening"), TimeSpan.FromSeconds(120));

        var source = TestFiles.WriteRandom(_work.Combine("shard"), 300_000, seed: 91);
        var put = await cluster.CliAsync("put", "-r", "1", source, "/crash/shard");
        Assert.NotEqual(0, put.ExitCode);
        Assert.StartsWith("ckptfs: ", put.Stderr.Trim(), StringComparison.Ordinal);
        await WaitForExitAsync(faulty);
        Assert.DoesNotContain(Directory.EnumerateFiles(nodeDirectory, "blk_*", SearchOption.AllDirectories), f => f.Contains("finalized", StringComparison.Ordinal));

        // Restarted without the fault, the node serves again; the half-written replica is never served as finalized.
        using var healthy = ChildProcess.Start(RepoPaths.Launcher,
            ["datanode", "--namenode", cluster.Address, "--data", nodeDirectory, "--port", "0", "--http-port", "0", "--id", "dn0"], cluster.DataNodeSettings());
        await healthy.WaitForLineAsync(new Regex("DataNode listening"), TimeSpan.FromSeconds(120));
        (await cluster.CliAsync("put", "-r", "1", source, "/crash/shard2")).EnsureSuccess();
        var back = _work.Combine("back");
        (await cluster.CliAsync("get", "/crash/shard2", back)).EnsureSuccess();
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(back));
        using var fsck = JsonDocument.Parse((await cluster.CliAsync("fsck", "--json", "/crash")).Stdout);
        Assert.Equal(0, fsck.RootElement.GetProperty("corruptBlocks").GetInt32());
        healthy.Kill();
    }

    private static async Task<ChildProcess> WaitForExitAsync(ChildProcess process)
    {
        await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return process;
    }
}
