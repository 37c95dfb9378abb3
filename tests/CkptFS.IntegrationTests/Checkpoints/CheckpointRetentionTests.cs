using System.Text.Json;
using CkptFS.Client;
using CkptFS.Client.Checkpoints;
using CkptFS.Common;
using CkptFS.Protocol.V1;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Checkpoints;

/// <summary>Retention on a real cluster, and a reader of a checkpoint that retention deletes under it.</summary>
[Collection(CheckpointClusterCollection.Name)]
public sealed class CheckpointRetentionTests(ClusterFixture fixture) : IDisposable
{
    private const int MiB = 1024 * 1024;

    private readonly TempDirectory _local = new("ckptfs-retention");

    private LocalClusterProcesses Cluster => fixture.Cluster;

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task KeepLastAndKeepEveryApplyAfterEachCommitAndByGc()
    {
        const string job = "/ckpt/retention";
        var folder = CheckpointFiles.Folder(_local, "shards", 2, 10_000, seed: 5);
        (await Cluster.CliAsync("ckpt", "save", job, "5", folder, "-q")).EnsureSuccess();
        (await Cluster.CliAsync("ckpt", "retain", job, "--keep-last", "2", "--keep-every", "10")).EnsureSuccess();
        foreach (var step in new[] { "10", "15", "20" })
        {
            (await Cluster.CliAsync("ckpt", "save", job, step, folder, "-q")).EnsureSuccess();
        }
        var last = (await Cluster.CliAsync("ckpt", "save", job, "25", folder, "-q")).EnsureSuccess();

        Assert.Contains("retention deleted step 15", last.Stdout, StringComparison.Ordinal);
        Assert.Equal([10UL, 20UL, 25UL], await StepsAsync(job));
        Assert.Contains("keep the last 2 and every step divisible by 10", (await Cluster.CliAsync("ckpt", "retain", job)).EnsureSuccess().Stdout, StringComparison.Ordinal);
        var advice = (await Cluster.CliAsync("ckpt", "advise", job, "--mtbf", "24h", "--restart", "10m")).EnsureSuccess().Stdout;
        Assert.Contains("(median recorded by /ckpt/retention)", advice, StringComparison.Ordinal);
        Assert.Contains("current  ", advice, StringComparison.Ordinal);   // the job has a history of commits

        (await Cluster.CliAsync("ckpt", "retain", job, "--keep-last", "1", "--keep-every", "0")).EnsureSuccess();
        var gc = (await Cluster.CliAsync("ckpt", "gc", job)).EnsureSuccess();
        Assert.Contains("retention deleted step 10, 20", gc.Stdout, StringComparison.Ordinal);
        Assert.Equal([25UL], await StepsAsync(job));
        Assert.Equal("25 /ckpt/retention/step-00000025", (await Cluster.CliAsync("ckpt", "latest", job)).EnsureSuccess().Stdout.Trim());
        Assert.NotEqual(0, (await Cluster.CliAsync("stat", "/ckpt/retention/step-00000010")).ExitCode);
    }

    [Fact]
    public async Task AReaderOfACheckpointThatGcDeletesGetsItsBytesOrAClearErrorNeverOtherBytes()
    {
        const string job = "/ckpt/gc-reader";
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = Cluster.Address });
        await SaveAsync(client, job, 1, seed: 31, bytes: 24 * MiB);
        await SaveAsync(client, job, 2, seed: 32, bytes: MiB);
        var reader = new CheckpointReader(client);
        var old = await reader.GetAsync(job, 1);
        await using var shard = await reader.OpenShardAsync(old, "big.bin");
        var piece = new byte[MiB];
        Assert.Equal(MiB, await shard.ReadAtAsync(0, piece));
        Assert.Equal(-1, PatternData.FirstMismatch(31, 0, piece));

        await client.SetRetentionAsync(job, new RetentionPolicy { KeepLast = 1 });
        Assert.Equal([1UL], (await client.CollectCheckpointGarbageAsync(job)).RetentionDeleted);

        // Reads go on while the DataNodes delete the replicas (on their next heartbeats): each one
        // gets exactly its bytes, until one fails, and that failure says what happened.
        CkptFsException? failure = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        for (long offset = MiB; failure is null && DateTime.UtcNow < deadline; offset = offset % (23 * MiB) + MiB)
        {
            try
            {
                Array.Clear(piece);
                Assert.Equal(MiB, await shard.ReadAtAsync(offset, piece));
                Assert.Equal(-1, PatternData.FirstMismatch(31, offset, piece));
                await Task.Delay(200);
            }
            catch (CkptFsException e)
            {
                failure = e;
            }
        }
        Assert.NotNull(failure);
        Assert.Equal(ErrorCode.CheckpointNotFound, failure.Code);
        Assert.Contains("Step 1 of /ckpt/gc-reader was deleted while it was being read", failure.Message, StringComparison.Ordinal);
        var again = await Assert.ThrowsAsync<CkptFsException>(() => reader.OpenShardAsync(old, "big.bin"));
        Assert.Equal(ErrorCode.CheckpointNotFound, again.Code);
        Assert.Equal(2UL, (await reader.GetLatestAsync(job)).Step);
    }

    private static async Task SaveAsync(CkptFsClient client, string job, ulong step, int seed, int bytes)
    {
        var writer = await CheckpointWriter.BeginAsync(client, job, step, writeShardRecords: false);
        await using (var shard = await writer.CreateShardAsync("big.bin", new CreateFileOptions { BlockSizeBytes = MiB }))
        {
            await shard.WriteAsync(PatternData.Bytes(seed, 0, bytes));
            await shard.CompleteAsync();
        }
        await CheckpointCommitter.CommitAsync(client, job, step, writer.Shards);
    }

    private async Task<IReadOnlyList<ulong>> StepsAsync(string job)
    {
        using var listing = JsonDocument.Parse((await Cluster.CliAsync("ckpt", "ls", job, "--json")).EnsureSuccess().Stdout);
        return [.. listing.RootElement.GetProperty("checkpoints").EnumerateArray().Select(c => c.GetProperty("step").GetUInt64())];
    }
}
