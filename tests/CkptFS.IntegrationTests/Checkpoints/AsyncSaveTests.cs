using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CkptFS.Client;
using CkptFS.Client.Checkpoints;
using CkptFS.Common.Faults;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Checkpoints;

/// <summary>Async save: the call returns after the copy, the handle completes after the commit, a process killed in between leaves nothing visible.</summary>
[Collection(CheckpointClusterCollection.Name)]
public sealed partial class AsyncSaveTests(ClusterFixture fixture) : IDisposable
{
    private const int MiB = 1024 * 1024;

    private readonly TempDirectory _local = new("ckptfs-async");

    private LocalClusterProcesses Cluster => fixture.Cluster;

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task TheCallReturnsAfterTheCopyAndTheHandleCompletesOnlyAfterTheCommit()
    {
        const string job = "/ckpt/async";
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = Cluster.Address });
        await using var saver = new AsyncCheckpointSaver(client, job);
        await (await saver.SaveAsync(1, [new ShardBuffer("rank-0.bin", PatternData.Bytes(1, 0, MiB))])).WaitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        var buffers = Enumerable.Range(0, 4).Select(i => PatternData.Bytes(10 + i, 0, 8 * MiB)).ToList();

        // The background save is held just before its commit request, so "not yet committed" is observable.
        using (FaultPoints.Arm(new FaultRule(FaultPoint.ClientBeforeCheckpointCommit, FaultAction.Delay, Times: 1, Delay: TimeSpan.FromSeconds(3))))
        {
            var started = Stopwatch.StartNew();
            var handle = await saver.SaveAsync(2, [.. buffers.Select((b, i) => new ShardBuffer($"rank-{i}.bin", b))]);
            var returned = started.Elapsed;
            foreach (var buffer in buffers)
            {
                buffer.AsSpan().Fill(0xEE);   // the caller reuses its buffers at once
            }
            Assert.False(handle.IsCompleted);
            Assert.Equal(1UL, (await client.GetCheckpointAsync(job)).Step);

            var committed = await handle.WaitAsync().WaitAsync(TimeSpan.FromSeconds(120));

            Assert.Equal(2UL, committed.Step);
            Assert.True(returned < started.Elapsed, $"returned after {returned}, committed after {started.Elapsed}");
            Assert.True(handle.Stall <= returned);
            Assert.Equal(2UL, (await client.GetCheckpointAsync(job)).Step);
            Assert.Equal(handle.Stall.TotalMilliseconds, committed.Manifest.BlockingSaveMs, tolerance: 1);
        }
        var reader = new CheckpointReader(client);
        var checkpoint = await reader.GetLatestAsync(job);
        for (var i = 0; i < 4; i++)
        {
            await using var shard = await reader.OpenShardAsync(checkpoint, $"rank-{i}.bin");
            var bytes = new byte[8 * MiB];
            Assert.Equal(bytes.Length, await shard.ReadAtAsync(0, bytes));
            Assert.Equal(-1, PatternData.FirstMismatch(10 + i, 0, bytes));
        }
    }

    [Fact]
    public async Task AReservationMapsTheCopyMemorySoThatNoSaveAllocates()
    {
        const string job = "/ckpt/async-reserved";
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = Cluster.Address });
        await using var saver = new AsyncCheckpointSaver(client, job);
        // 70 MiB is cut into a 64 MiB and a 6 MiB chunk, 3 MiB into one; the shards are given in two segments each.
        var sizes = new long[] { 70 * MiB, 3 * MiB };
        await saver.ReserveAsync(sizes).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(73L * MiB, saver.ReservedBytes);

        for (var step = 1UL; step <= 2; step++)
        {
            var shards = sizes.Select((size, i) =>
            {
                var bytes = PatternData.Bytes((int)step * 10 + i, 0, (int)size);
                return new ShardBuffer($"rank-{i}.bin", [bytes.AsMemory(0, MiB + 1), bytes.AsMemory(MiB + 1)]);
            }).ToList();
            var handle = await saver.SaveAsync(step, shards);
            Assert.Equal(0L, saver.ChunksAllocated);
            await handle.WaitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            Assert.Equal(73L * MiB, saver.ReservedBytes);   // the chunks came back for the next save
        }

        var reader = new CheckpointReader(client);
        var checkpoint = await reader.GetLatestAsync(job);
        Assert.Equal(2UL, checkpoint.Step);
        for (var i = 0; i < sizes.Length; i++)
        {
            await using var shard = await reader.OpenShardAsync(checkpoint, $"rank-{i}.bin");
            var bytes = new byte[sizes[i]];
            Assert.Equal(bytes.Length, await shard.ReadAtAsync(0, bytes));
            Assert.Equal(-1, PatternData.FirstMismatch(20 + i, 0, bytes));
        }
    }

    [Fact]
    public async Task AProcessKilledBeforeItsSaveCompletesLeavesNothingVisible()
    {
        const string job = "/ckpt/async-killed";
        (await Cluster.CliAsync("ckpt", "save", job, "1", CheckpointFiles.Folder(_local, "step1", 1, 1000, seed: 1), "-q")).EnsureSuccess();
        var tool = Path.Combine(AppContext.BaseDirectory, "CkptFS.TestTool.dll");
        var faults = new Dictionary<string, string> { ["CKPTFS_FAULTS"] = "ClientBeforeCheckpointCommit=delay:ms=600000" };
        using (var process = ChildProcess.Start(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
                   [tool, "async-save", Cluster.Address, job, "2", "4", (4 * MiB).ToString(CultureInfo.InvariantCulture)], faults))
        {
            var copied = await process.WaitForLineAsync(CopiedLine(), TimeSpan.FromSeconds(120));
            Assert.True(double.Parse(copied.Groups["ms"].Value, CultureInfo.InvariantCulture) >= 0);
            process.Kill();
            Assert.DoesNotContain("committed", process.Stdout, StringComparison.Ordinal);
        }

        Assert.Equal("1 /ckpt/async-killed/step-00000001", (await Cluster.CliAsync("ckpt", "latest", job)).EnsureSuccess().Stdout.Trim());
        Assert.NotEqual(0, (await Cluster.CliAsync("stat", "/ckpt/async-killed/step-00000002")).ExitCode);
        var show = await Cluster.CliAsync("ckpt", "show", job, "2");
        Assert.Equal(1, show.ExitCode);
    }

    [GeneratedRegex(@"^copied (?<ms>[0-9.]+)$")]
    private static partial Regex CopiedLine();
}
