using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>`ckptfs cluster start` on a folder a cluster ran from before: its data stays, and its new ports are the ones used.</summary>
public sealed class LocalClusterTests : IDisposable
{
    private readonly TempDirectory _local = new("ckptfs-local-cluster");

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task AClusterStartedAgainOnItsFolderServesItsFilesOnItsNewPorts()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(dataNodes: 1);
        var file = Path.Combine(_local.Path, "data.bin");
        await File.WriteAllBytesAsync(file, PatternData.Bytes(7, 0, 3 * 1024 * 1024));
        (await cluster.CliAsync("put", "-q", "-r", "1", file, "/kept.bin")).EnsureSuccess();
        (await CliRun.RunAsync(["cluster", "stop", "--dir", cluster.Directory])).EnsureSuccess();

        // The logs are appended to: the first run's "listening" lines, with its ports, are still in them.
        var started = (await CliRun.RunAsync(["cluster", "start", "--dir", cluster.Directory, "--datanodes", "1"], timeout: TimeSpan.FromSeconds(240))).EnsureSuccess();

        var state = cluster.State();
        var address = state.GetProperty("nameNode").GetProperty("address").GetString()!;
        Assert.Contains(address, started.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(cluster.Address, address);   // port 0: a new free port each start
        var serving = File.ReadLines(Path.Combine(cluster.Directory, "logs", "dn0.log")).Where(l => l.Contains("serving blocks on", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, serving.Count);
        Assert.Contains($"NameNode {address},", serving[^1], StringComparison.Ordinal);
        var back = Path.Combine(_local.Path, "back.bin");
        (await CliRun.RunAsync(["get", "-q", "/kept.bin", back], new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = address })).EnsureSuccess();
        Assert.Equal(-1, PatternData.FirstMismatch(7, 0, await File.ReadAllBytesAsync(back)));
    }
}
