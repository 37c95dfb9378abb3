using System.Text.Json;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Checkpoints;

/// <summary>
/// Ranks that die: a rank killed (-9) mid-shard makes the commit fail naming the open shard, and
/// latest stays; an abandoned pending step is collected once no file in it is open (lease recovery,
/// after the hard limit, closes the dead rank's file) and it has been idle for the grace period. Seconds-long limits: leases soft 3 s / hard 10 s (as
/// LeaseRecoveryTests), pending grace 2 s, scans every second.
/// </summary>
public sealed class CheckpointAbandonedRankTests : IDisposable
{
    private static readonly Dictionary<string, string> Settings = new(LeaseRecoveryTests.FastLeases)
    {
        ["CKPTFS_NAMENODE__CHECKPOINTS__PENDINGGRACEPERIOD"] = "00:00:02",
        ["CKPTFS_NAMENODE__CHECKPOINTS__SCANINTERVAL"] = "00:00:01",
    };

    // The first test must see the killed rank's file still open after the other job's step is
    // collected, however slow the machine: the NameNode must not recover it by itself meanwhile.
    private static readonly Dictionary<string, string> SettingsWithoutHardLimit = new(Settings)
    {
        ["CKPTFS_NAMENODE__LEASES__HARDLIMIT"] = "00:10:00",
    };

    private readonly TempDirectory _local = new("ckptfs-abandoned");

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task ARankKilledMidShardFailsTheCommitAndAStepWhoseRanksAreAllGoneIsCollected()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3, SettingsWithoutHardLimit);

        // A rank killed while its shard is open: the commit names it, latest stays, the open file keeps the step.
        await StartStepWithThreeRanksAsync(cluster, "/ckpt/killed");
        await KillRankMidShardAsync(cluster, "/ckpt/killed");
        var commit = await cluster.CliAsync("ckpt", "commit", "/ckpt/killed", "2", "--expect", "4");
        Assert.Equal(1, commit.ExitCode);
        Assert.Matches("^ckptfs: Cannot commit step 2 of /ckpt/killed: rank-3.bin is still open for write by ckptfs-", commit.Stderr.Trim());
        Assert.Equal("1 /ckpt/killed/step-00000001", (await cluster.CliAsync("ckpt", "latest", "/ckpt/killed")).EnsureSuccess().Stdout.Trim());

        // A rank that never started: the commit says a shard is missing; nothing is open, so after the grace period the step goes.
        await StartStepWithThreeRanksAsync(cluster, "/ckpt/never");
        var missing = await cluster.CliAsync("ckpt", "commit", "/ckpt/never", "2", "--expect", "4");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("4 shards were expected but /ckpt/never/.pending/step-00000002 holds 3", missing.Stderr, StringComparison.Ordinal);
        await WaitCollectedAsync(cluster, "/ckpt/never", TimeSpan.FromSeconds(60));
        Assert.Equal([1UL], await CommittedStepsAsync(cluster, "/ckpt/never"));

        // By now the killed rank's step has been idle far longer than the grace period: still there, its file is open.
        Assert.Equal(0, (await cluster.CliAsync("stat", "/ckpt/killed/.pending/step-00000002/rank-0.bin")).ExitCode);
    }

    [Fact]
    public async Task TheStepOfARankKilledMidShardIsCollectedAfterLeaseRecoveryClosesItsFile()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3, Settings);
        await StartStepWithThreeRanksAsync(cluster, "/ckpt/recovered");
        await KillRankMidShardAsync(cluster, "/ckpt/recovered");
        Assert.Equal(1, (await cluster.CliAsync("ckpt", "commit", "/ckpt/recovered", "2", "--expect", "4")).ExitCode);

        // Hard limit 10 s → lease recovery closes rank-3.bin → 2 s idle → the janitor collects the step.
        await WaitCollectedAsync(cluster, "/ckpt/recovered", TimeSpan.FromSeconds(90));
        Assert.Equal([1UL], await CommittedStepsAsync(cluster, "/ckpt/recovered"));
        Assert.Equal("1 /ckpt/recovered/step-00000001", (await cluster.CliAsync("ckpt", "latest", "/ckpt/recovered")).EnsureSuccess().Stdout.Trim());
    }

    /// <summary>Step 1 committed; ranks 0..2 of step 2 written by three `ckpt put-shard` processes.</summary>
    private async Task StartStepWithThreeRanksAsync(LocalClusterProcesses cluster, string job)
    {
        var name = job.Replace('/', '_');
        (await cluster.CliAsync("ckpt", "save", job, "1", CheckpointFiles.Folder(_local, name + "1", 2, 100_000, seed: 1), "-q")).EnsureSuccess();
        var folder = CheckpointFiles.Folder(_local, name + "2", 3, 1024 * 1024, seed: 2);
        foreach (var rank in await Task.WhenAll(Enumerable.Range(0, 3).Select(i => cluster.CliAsync("ckpt", "put-shard", job, "2", Path.Combine(folder, $"rank-{i}.bin"), "-q"))))
        {
            rank.EnsureSuccess();
        }
    }

    /// <summary>Rank 3 writes its shard slowly into the pending step and is killed -9 after 2 MiB reached every replica.</summary>
    private static async Task KillRankMidShardAsync(LocalClusterProcesses cluster, string job)
    {
        using var rank3 = SlowWriter.Start(cluster.Address, $"{job}/.pending/step-00000002/rank-3.bin", seed: 3,
            totalBytes: 256L * 1024 * 1024, flushEvery: 512 * 1024, pauseMs: 5, blockSize: 4 * 1024 * 1024);
        await rank3.WaitFlushedAsync(2 * 1024 * 1024, TimeSpan.FromSeconds(120));
        rank3.Kill();
    }

    private static async Task WaitCollectedAsync(LocalClusterProcesses cluster, string job, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((await cluster.CliAsync("stat", $"{job}/.pending")).ExitCode == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the abandoned step of {job} was not collected within {timeout.TotalSeconds} s:\n{(await cluster.CliAsync("ls", "-R", job)).Stdout}\n{cluster.Logs()}");
            await Task.Delay(1000);
        }
    }

    private static async Task<IReadOnlyList<ulong>> CommittedStepsAsync(LocalClusterProcesses cluster, string job)
    {
        using var listing = JsonDocument.Parse((await cluster.CliAsync("ckpt", "ls", job, "--json")).EnsureSuccess().Stdout);
        return [.. listing.RootElement.GetProperty("checkpoints").EnumerateArray().Select(c => c.GetProperty("step").GetUInt64())];
    }
}
