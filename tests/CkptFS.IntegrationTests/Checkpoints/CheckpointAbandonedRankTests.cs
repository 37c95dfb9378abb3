using System.Text.Json;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Checkpoints;

/// <summary>
/// A rank killed (-9) mid-shard: the commit names the open shard, latest stays, and once lease
/// recovery has closed the dead writer's file the pending step is collected. Seconds-long limits:
/// leases soft 3 s / hard 10 s (as LeaseRecoveryTests), pending grace 2 s, scans every second.
/// </summary>
public sealed class CheckpointAbandonedRankTests : IDisposable
{
    private static readonly Dictionary<string, string> Settings = new(LeaseRecoveryTests.FastLeases)
    {
        ["CKPTFS_NAMENODE__CHECKPOINTS__PENDINGGRACEPERIOD"] = "00:00:02",
        ["CKPTFS_NAMENODE__CHECKPOINTS__SCANINTERVAL"] = "00:00:01",
    };

    private readonly TempDirectory _local = new("ckptfs-abandoned");

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task ARankKilledMidShardFailsTheCommitLatestStaysAndThePendingStepIsCollectedAfterLeaseRecovery()
    {
        const string job = "/ckpt/abandoned";
        using var cluster = await LocalClusterProcesses.StartAsync(3, Settings);
        (await cluster.CliAsync("ckpt", "save", job, "1", CheckpointFiles.Folder(_local, "step1", 2, 100_000, seed: 1), "-q")).EnsureSuccess();
        var folder = CheckpointFiles.Folder(_local, "step2", 3, 1024 * 1024, seed: 2);
        foreach (var rank in await Task.WhenAll(Enumerable.Range(0, 3).Select(i => cluster.CliAsync("ckpt", "put-shard", job, "2", Path.Combine(folder, $"rank-{i}.bin"), "-q"))))
        {
            rank.EnsureSuccess();
        }
        using (var rank3 = SlowWriter.Start(cluster.Address, "/ckpt/abandoned/.pending/step-00000002/rank-3.bin", seed: 3,
                   totalBytes: 256L * 1024 * 1024, flushEvery: 512 * 1024, pauseMs: 5, blockSize: 4 * 1024 * 1024))
        {
            await rank3.WaitFlushedAsync(2 * 1024 * 1024, TimeSpan.FromSeconds(120));
            rank3.Kill();
        }

        var commit = await cluster.CliAsync("ckpt", "commit", job, "2", "--expect", "4");

        Assert.Equal(1, commit.ExitCode);
        Assert.Matches("^ckptfs: Cannot commit step 2 of /ckpt/abandoned: rank-3.bin is still open for write by ckptfs-", commit.Stderr.Trim());
        Assert.Equal("1 /ckpt/abandoned/step-00000001", (await cluster.CliAsync("ckpt", "latest", job)).EnsureSuccess().Stdout.Trim());
        Assert.Contains("pending", (await cluster.CliAsync("ckpt", "ls", job)).EnsureSuccess().Stdout, StringComparison.Ordinal);

        // Hard limit 10 s → lease recovery closes rank-3.bin → 2 s idle → the janitor collects the step.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while ((await cluster.CliAsync("stat", "/ckpt/abandoned/.pending")).ExitCode == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the abandoned step was not collected within 90 s:\n{(await cluster.CliAsync("ls", "-R", job)).Stdout}\n{cluster.Logs()}");
            await Task.Delay(1000);
        }
        using var listing = JsonDocument.Parse((await cluster.CliAsync("ckpt", "ls", job, "--json")).EnsureSuccess().Stdout);
        Assert.Equal(1UL, listing.RootElement.GetProperty("latestStep").GetUInt64());
        Assert.Equal([1UL], listing.RootElement.GetProperty("checkpoints").EnumerateArray().Select(c => c.GetProperty("step").GetUInt64()));
    }
}
