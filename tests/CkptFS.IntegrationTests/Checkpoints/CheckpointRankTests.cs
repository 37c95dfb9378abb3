using System.Text.Json;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Checkpoints;

/// <summary>A checkpoint written by ranks in separate processes, committed by a coordinator, resumed byte for byte.</summary>
[Collection(CheckpointClusterCollection.Name)]
public sealed class CheckpointRankTests(ClusterFixture fixture) : IDisposable
{
    private readonly TempDirectory _local = new("ckptfs-ranks");

    private LocalClusterProcesses Cluster => fixture.Cluster;

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task RanksInSeparateProcessesWriteShardsTheCoordinatorCommitsAndRestoreIsByteIdentical()
    {
        const string job = "/ckpt/ranks";
        (await Cluster.CliAsync("ckpt", "save", job, "5", CheckpointFiles.Folder(_local, "step5", 1, 1000, seed: 1), "-q")).EnsureSuccess();
        var folder = CheckpointFiles.Folder(_local, "step10", 4, 3 * 1024 * 1024 + 17, seed: 10);

        var ranks = Enumerable.Range(0, 4).Select(i => Cluster.CliAsync("ckpt", "put-shard", job, "10", Path.Combine(folder, $"rank-{i}.bin"), "-q"));
        foreach (var rank in await Task.WhenAll(ranks))
        {
            Assert.Contains("wrote shard rank-", rank.EnsureSuccess().Stdout, StringComparison.Ordinal);
        }
        Assert.Equal("5 /ckpt/ranks/step-00000005", (await Cluster.CliAsync("ckpt", "latest", job)).EnsureSuccess().Stdout.Trim());

        var commit = (await Cluster.CliAsync("ckpt", "commit", job, "10", "--expect", "4", "--meta", "run=ranks")).EnsureSuccess();

        Assert.Contains("committed step 10 of /ckpt/ranks at /ckpt/ranks/step-00000010: 4 shards", commit.Stdout, StringComparison.Ordinal);
        Assert.Contains("now the latest", commit.Stdout, StringComparison.Ordinal);
        Assert.Equal("10 /ckpt/ranks/step-00000010", (await Cluster.CliAsync("ckpt", "latest", job)).EnsureSuccess().Stdout.Trim());
        var listing = (await Cluster.CliAsync("ls", "-R", job)).EnsureSuccess().Stdout;
        Assert.DoesNotContain(".pending", listing, StringComparison.Ordinal);
        Assert.DoesNotContain(".ckpt-shards", listing, StringComparison.Ordinal);

        var restored = _local.Combine("restored");
        var restore = (await Cluster.CliAsync("ckpt", "restore", job, restored)).EnsureSuccess();
        Assert.Contains("restored step 10", restore.Stdout, StringComparison.Ordinal);
        Assert.Equal(Directory.GetFiles(folder).Select(Path.GetFileName).Order(), Directory.GetFiles(restored).Select(Path.GetFileName).Order());
        foreach (var original in Directory.GetFiles(folder))
        {
            Assert.Equal(TestFiles.Sha256(original), TestFiles.Sha256(Path.Combine(restored, Path.GetFileName(original))));
        }
        using var manifest = JsonDocument.Parse((await Cluster.CliAsync("ckpt", "show", job, "10", "--json")).EnsureSuccess().Stdout);
        Assert.Equal("ranks", manifest.RootElement.GetProperty("metadata").GetProperty("run").GetString());
        Assert.Equal(4, manifest.RootElement.GetProperty("shards").GetArrayLength());
    }

    [Fact]
    public async Task CommandErrorsAreOneLineWithExitCodes()
    {
        var missing = await Cluster.CliAsync("ckpt", "latest", "/ckpt/nothing-here");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("ckptfs: /ckpt/nothing-here does not exist: no such checkpoint job.", missing.Stderr.Trim());
        var noFolder = await Cluster.CliAsync("ckpt", "save", "/ckpt/errors", "1", _local.Combine("absent"));
        Assert.Equal(1, noFolder.ExitCode);
        Assert.StartsWith("ckptfs: ", noFolder.Stderr.Trim(), StringComparison.Ordinal);
        var usage = await Cluster.CliAsync("ckpt", "advise", "--mtbf", "soon");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("is not a duration", usage.Stderr, StringComparison.Ordinal);
        var daly = (await Cluster.CliAsync("ckpt", "advise", "--mtbf", "24h", "--restart", "10m", "--cost", "5m")).EnsureSuccess().Stdout;
        Assert.Contains("daly     116.69 min", daly, StringComparison.Ordinal);
        Assert.Contains("young    120 min", daly, StringComparison.Ordinal);
        var help = (await Cluster.CliAsync("ckpt", "restore", "--help")).EnsureSuccess();
        Assert.Contains("verifying every shard's CRC32C", help.Stdout, StringComparison.Ordinal);
    }
}
