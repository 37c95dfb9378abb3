using CkptFS.Client;
using CkptFS.Common;
using CkptFS.Testing;
using static CkptFS.IntegrationTests.ClusterChecks;

namespace CkptFS.IntegrationTests;

/// <summary>
/// Taking over files whose writer is gone, as a user does it (limits of <see cref="LeaseRecoveryTests.FastLeases"/>,
/// soft 3 s): `ckptfs recover-lease` closes a killed writer's file at what every replica holds, refuses
/// a live writer's file naming it and suggesting --force, takes it over with --force; `put -f` over a
/// file a killed writer left open, or over the temporary file of a killed `put`, just works.
/// </summary>
public sealed class RecoverLeaseTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan SoftLimit = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _local = new("ckptfs-recover-lease");

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task RecoverLeaseClosesAKilledWritersFileAtWhatEveryReplicaHolds()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3, LeaseRecoveryTests.FastLeases);
        using var writer = SlowWriter.Start(cluster.Address, "/rl/killed", seed: 41, totalBytes: 256 * MiB, flushEvery: MiB / 2, pauseMs: 5, blockSize: 4 * MiB);
        await writer.WaitFlushedAsync(5 * MiB, Timeout);
        writer.Kill();
        var flushed = writer.Flushed;
        await Task.Delay(SoftLimit + TimeSpan.FromSeconds(1));

        var recover = await cluster.CliAsync("recover-lease", "--timeout", "90s", "/rl/killed");

        Assert.True(recover.ExitCode == 0, $"recover-lease exited {recover.ExitCode}.\n{recover.Stdout}\n{recover.Stderr}\n{cluster.Logs()}");
        Assert.Contains("/rl/killed is open for write by ckptfs-", recover.Stdout, StringComparison.Ordinal);
        Assert.Contains("Lease recovery started", recover.Stdout, StringComparison.Ordinal);
        var length = await ClusterInvariants.AssertPatternFileAsync(cluster, "/rl/killed", 41, flushed, 256 * MiB, _local);
        Assert.Contains($"/rl/killed is closed: {length} bytes", recover.Stdout, StringComparison.Ordinal);
        Assert.Contains("nothing to recover", (await cluster.CliAsync("recover-lease", "/rl/killed")).EnsureSuccess().Stdout, StringComparison.Ordinal);
        await ClusterInvariants.AssertConvergedAsync(cluster, "/rl", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task ALiveWritersFileIsRefusedNamingTheHolderAndForceTakesItOver()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3, LeaseRecoveryTests.FastLeases);
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address, LeaseRenewInterval = TimeSpan.FromMilliseconds(500) });
        var data = TestFiles.RandomBytes(200_000, seed: 42);
        var output = await client.CreateAsync("/rl/live", new CreateFileOptions { BlockSizeBytes = MiB }).WaitAsync(Timeout);
        try
        {
            await output.WriteAsync(data.AsMemory(0, 100_000)).AsTask().WaitAsync(Timeout);
            await output.FlushAsync().WaitAsync(Timeout);
            await Task.Delay(SoftLimit + TimeSpan.FromSeconds(1)); // renewed all along: its soft limit never passes

            var refused = await cluster.CliAsync("recover-lease", "/rl/live");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains($"being written by {client.ClientName}", refused.Stderr, StringComparison.Ordinal);
            Assert.Contains("--force", refused.Stderr, StringComparison.Ordinal);

            var forced = await cluster.CliAsync("recover-lease", "--force", "/rl/live");
            Assert.True(forced.ExitCode == 0, $"recover-lease --force exited {forced.ExitCode}.\n{forced.Stdout}\n{forced.Stderr}\n{cluster.Logs()}");
            Assert.Contains("/rl/live is closed: 100000 bytes", forced.Stdout, StringComparison.Ordinal);

            // The writer is fenced: pipeline recovery cannot get a new genstamp for a file it no longer holds.
            await Assert.ThrowsAnyAsync<CkptFsException>(async () =>
            {
                await output.WriteAsync(data.AsMemory(100_000)).AsTask().WaitAsync(Timeout);
                await output.CloseAsync().WaitAsync(Timeout);
            });
        }
        finally
        {
            await output.AbortAsync().WaitAsync(Timeout);
        }
        var back = _local.Combine("live.back");
        (await cluster.CliAsync("get", "/rl/live", back)).EnsureSuccess();
        Assert.True(data.AsSpan(0, 100_000).SequenceEqual(File.ReadAllBytes(back)), "the recovered file is not the flushed prefix");
    }

    [Fact]
    public async Task AnUploadRenewsWithinTheSoftLimitTheNameNodeAnnouncesSoNobodyTakesItOver()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(1, LeaseRecoveryTests.FastLeases);
        using var upload = ChildProcess.Start(RepoPaths.Launcher, ["put", "-r", "1", "-", "/rl/slow"], new Dictionary<string, string>(cluster.Environment));
        await upload.StandardInput.WriteAsync(TestFiles.RandomBytes(100_000, seed: 46)).AsTask().WaitAsync(Timeout);
        await upload.StandardInput.FlushAsync().WaitAsync(Timeout);
        await WaitUntilAsync(cluster, async () => (await cluster.CliAsync("stat", "/rl/slow._COPYING_")).ExitCode == 0, "the upload's file created", Timeout);

        // Renewing every 30 s (the client's default) would let the 3 s soft limit pass; it renews every 1.5 s.
        await Task.Delay(3 * SoftLimit);
        var takeover = await cluster.CliAsync("recover-lease", "/rl/slow._COPYING_");

        Assert.True(takeover.ExitCode == 1, $"a live upload's file was taken over:\n{takeover.Stdout}\n{takeover.Stderr}");
        Assert.Contains("--force", takeover.Stderr, StringComparison.Ordinal);
        upload.StandardInput.Close();
        Assert.Equal(0, await upload.WaitForExitAsync(Timeout));
    }

    [Fact]
    public async Task PutWithForceOverFilesKilledWritersLeftOpenJustWorks()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3, LeaseRecoveryTests.FastLeases);
        // A training rank killed while writing /rl/model itself...
        using var rank = SlowWriter.Start(cluster.Address, "/rl/model", seed: 43, totalBytes: 256 * MiB, flushEvery: MiB / 2, pauseMs: 5, blockSize: MiB);
        await rank.WaitFlushedAsync(2 * MiB, Timeout);
        rank.Kill();
        // ...and an upload killed while writing /rl/upload._COPYING_.
        using var upload = ChildProcess.Start(RepoPaths.Launcher, ["put", "--block-size", "1M", "-", "/rl/upload"], new Dictionary<string, string>(cluster.Environment));
        await upload.StandardInput.WriteAsync(TestFiles.RandomBytes((int)(2 * MiB) + 1000, seed: 44)).AsTask().WaitAsync(Timeout);
        await upload.StandardInput.FlushAsync().WaitAsync(Timeout);
        await WaitUntilAsync(cluster, async () => (await BlocksAsync(cluster, "/rl/upload._COPYING_")).Count == 3, "the upload's third block allocated", Timeout);
        upload.Kill();
        await Task.Delay(SoftLimit + TimeSpan.FromSeconds(1));
        var source = TestFiles.WriteRandom(_local.Combine("replacement"), 2_500_000, seed: 45);

        // Both overwrite an open file of a dead writer: the create (of NAME._COPYING_) and the final
        // rename wait while the NameNode recovers and closes it.
        foreach (var path in new[] { "/rl/model", "/rl/upload" })
        {
            var put = await cluster.CliAsync("put", "-f", "--block-size", "1M", source, path);
            Assert.True(put.ExitCode == 0, $"put -f {path} exited {put.ExitCode}: {put.Stderr}\n{cluster.Logs()}");
        }

        foreach (var path in new[] { "/rl/model", "/rl/upload" })
        {
            var back = _local.Combine("back");
            (await cluster.CliAsync("get", "-f", path, back)).EnsureSuccess();
            Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(back));
        }
        await ClusterInvariants.AssertConvergedAsync(cluster, "/rl", TimeSpan.FromSeconds(60));
    }
}
