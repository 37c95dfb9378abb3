using System.Text.Json;
using CkptFS.Client;
using CkptFS.Common;
using CkptFS.Testing;
using static CkptFS.IntegrationTests.ClusterChecks;

namespace CkptFS.IntegrationTests;

/// <summary>
/// Taking over files whose writer is gone, with a 3 s soft limit: `ckptfs recover-lease` closes a
/// killed writer's file at the length its replicas hold, refuses a live writer's file (naming it and
/// suggesting --force) unless forced, and `put -f` over a file a killed writer left open just works.
/// </summary>
public sealed class RecoverLeaseTests : IDisposable
{
    private const int BlockSize = 1024 * 1024;
    private static readonly TimeSpan SoftLimit = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static readonly Dictionary<string, string> ShortLeases = new()
    {
        ["CKPTFS_NAMENODE__LEASES__SOFTLIMIT"] = "00:00:03",
        ["CKPTFS_NAMENODE__LEASES__CHECKINTERVAL"] = "00:00:01",
    };

    private readonly TempDirectory _local = new("ckptfs-lease");

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task RecoverLeaseClosesAKilledWritersFileAtWhatEveryReplicaHolds()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3, ShortLeases);
        var data = TestFiles.RandomBytes((3 * BlockSize) + 500_000, seed: 301);
        await KillWriterMidFileAsync(cluster, "/lease/shard", data);
        await Task.Delay(SoftLimit + TimeSpan.FromSeconds(1));

        var recover = await cluster.CliAsync("recover-lease", "--timeout", "90s", "/lease/shard._COPYING_");

        Assert.True(recover.ExitCode == 0, $"recover-lease failed ({recover.ExitCode}).\n{recover.Stdout}\n{recover.Stderr}\n{cluster.Logs()}");
        Assert.Contains("is open for write by ckptfs-", recover.Stdout, StringComparison.Ordinal);
        Assert.Contains("Lease recovery started", recover.Stdout, StringComparison.Ordinal);
        using var stat = JsonDocument.Parse((await cluster.CliAsync("stat", "--json", "/lease/shard._COPYING_")).EnsureSuccess().Stdout);
        Assert.False(stat.RootElement.GetProperty("underConstruction").GetBoolean());
        var length = stat.RootElement.GetProperty("length").GetInt64();
        Assert.Contains($"is closed: {length} bytes", recover.Stdout, StringComparison.Ordinal);
        // Three whole blocks were finalized before the fourth was allocated; the fourth holds what every replica acknowledged.
        Assert.InRange(length, 3 * BlockSize, data.Length);
        var back = _local.Combine("shard.back");
        (await cluster.CliAsync("get", "/lease/shard._COPYING_", back)).EnsureSuccess();
        Assert.True(data.AsSpan(0, (int)length).SequenceEqual(File.ReadAllBytes(back)), "the recovered file is not a prefix of what was written");
        Assert.Contains("nothing to recover", (await cluster.CliAsync("recover-lease", "/lease/shard._COPYING_")).EnsureSuccess().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutWithForceOverAFileAKilledWriterLeftOpenJustWorks()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3, ShortLeases);
        await KillWriterMidFileAsync(cluster, "/lease/model", TestFiles.RandomBytes((3 * BlockSize) + 300_000, seed: 302));
        await Task.Delay(SoftLimit + TimeSpan.FromSeconds(1));
        var source = TestFiles.WriteRandom(_local.Combine("model"), 2_500_000, seed: 303);

        // The new upload's create overwrites model._COPYING_, still open by the dead writer: the NameNode
        // starts lease recovery and answers RecoveryInProgress, and the client retries until it is closed.
        (await cluster.CliAsync("put", "-f", "--block-size", "1M", source, "/lease/model")).EnsureSuccess();

        var back = _local.Combine("model.back");
        (await cluster.CliAsync("get", "/lease/model", back)).EnsureSuccess();
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(back));
    }

    [Fact]
    public async Task ALiveWritersFileIsRefusedNamingTheHolderAndForceTakesItOver()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3, ShortLeases);
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address, LeaseRenewInterval = TimeSpan.FromMilliseconds(500) });
        var data = TestFiles.RandomBytes(200_000, seed: 304);
        var output = await client.CreateAsync("/lease/live", new CreateFileOptions { BlockSizeBytes = BlockSize }).WaitAsync(Timeout);
        try
        {
            await output.WriteAsync(data.AsMemory(0, 100_000)).AsTask().WaitAsync(Timeout);
            await output.FlushAsync().WaitAsync(Timeout);
            await Task.Delay(SoftLimit + TimeSpan.FromSeconds(1)); // renewed all along: the soft limit never passes

            var refused = await cluster.CliAsync("recover-lease", "/lease/live");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains(client.ClientName, refused.Stderr, StringComparison.Ordinal);
            Assert.Contains("--force", refused.Stderr, StringComparison.Ordinal);

            var forced = await cluster.CliAsync("recover-lease", "--force", "/lease/live");
            Assert.True(forced.ExitCode == 0, $"recover-lease --force failed.\n{forced.Stdout}\n{forced.Stderr}\n{cluster.Logs()}");
            Assert.Contains("is closed: 100000 bytes", forced.Stdout, StringComparison.Ordinal);

            // The old writer is fenced: its pipeline and its lease are gone.
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
        (await cluster.CliAsync("get", "/lease/live", back)).EnsureSuccess();
        Assert.True(data.AsSpan(0, 100_000).SequenceEqual(File.ReadAllBytes(back)), "the recovered file is not the flushed prefix");
    }

    /// <summary>
    /// Starts `put - PATH` fed from a pipe, gives it <paramref name="data"/>, waits until its fourth
    /// block is allocated (three whole blocks finalized on every replica), then kills it with -9:
    /// PATH._COPYING_ stays open, leased to a client that will never renew.
    /// </summary>
    private static async Task KillWriterMidFileAsync(LocalClusterProcesses cluster, string path, byte[] data)
    {
        using var writer = ChildProcess.Start(RepoPaths.Launcher, ["put", "--block-size", "1M", "-", path], new Dictionary<string, string>(cluster.Environment));
        await writer.StandardInput.WriteAsync(data).AsTask().WaitAsync(Timeout);
        await writer.StandardInput.FlushAsync().WaitAsync(Timeout);
        await WaitUntilAsync(cluster, async () => (await BlocksAsync(cluster, path + "._COPYING_")).Count == 4, "the writer's fourth block allocated", Timeout);
        writer.Kill();
    }
}
