using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using CkptFS.Client;
using CkptFS.Common;
using CkptFS.Testing;
using Xunit.Abstractions;
using static CkptFS.IntegrationTests.ClusterChecks;

namespace CkptFS.IntegrationTests;

/// <summary>
/// DataNodes on real full disks (tmpfs of a fixed size): a write the cluster cannot hold fails, soon,
/// with <see cref="ErrorCode.DiskFull"/> (the SDK's exception, the CLI's message), never a generic
/// pipeline failure or a hang, and leaves no completed file of a wrong length; a write while only
/// some DataNodes are full succeeds on the others.
/// </summary>
public sealed partial class DiskFullTests(ITestOutputHelper output) : IDisposable
{
    private const int BlockSize = 1024 * 1024;

    /// <summary>Each DataNode's tmpfs: 24 MiB, so three of them hold 24 blocks at replication 3.</summary>
    private const int DiskKiB = 24 * 1024;

    /// <summary>Three times what the cluster holds at replication 3.</summary>
    private const int TooLargeBytes = 3 * DiskKiB * 1024;

    /// <summary>The bound on a failing write: it must fail, not hang or retry for minutes.</summary>
    private static readonly TimeSpan FailWithin = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _local = new("ckptfs-diskfull");

    public void Dispose() => _local.Dispose();

    [TmpfsFact]
    public async Task WritingMoreThanEveryDiskHoldsFailsWithDiskFullAndLeavesNoCompletedFile()
    {
        using var cluster = await TmpfsCluster.StartAsync([DiskKiB, DiskKiB, DiskKiB], Timeout);
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address });
        var data = TestFiles.RandomBytes(BlockSize, seed: 401);

        var clock = Stopwatch.StartNew();
        var stream = await client.CreateAsync("/full/big", new CreateFileOptions { Replication = 3, BlockSizeBytes = BlockSize }).WaitAsync(Timeout);
        CkptFsException? error = null;
        try
        {
            for (var written = 0; written < TooLargeBytes; written += data.Length)
            {
                await stream.WriteAsync(data).AsTask().WaitAsync(Timeout);
            }
        }
        catch (CkptFsException writeError)
        {
            error = writeError;
        }

        // Whether the failure came while writing or only at the end, close reports it: a failed save is seen.
        var closeError = await Assert.ThrowsAnyAsync<CkptFsException>(() => stream.CloseAsync()).WaitAsync(Timeout);
        await stream.AbortAsync();
        error ??= closeError;
        clock.Stop();
        output.WriteLine($"failed after {clock.Elapsed}: {error.Code}: {error.Message}\nclose: {closeError.Code}: {closeError.Message}");

        Assert.True(closeError.Code == ErrorCode.DiskFull, $"close: expected DiskFull, got {closeError.Code}: {closeError}");
        Assert.True(error.Code == ErrorCode.DiskFull, $"expected DiskFull, got {error.Code}: {error}\n{cluster.Logs()}");
        Assert.Matches(FullMessage(), error.Message);
        Assert.True(clock.Elapsed < FailWithin, $"the write took {clock.Elapsed} to fail (bound {FailWithin})");
        var status = await client.TryGetFileInfoAsync("/full/big").WaitAsync(Timeout);
        Assert.True(status is null || status.UnderConstruction, $"/full/big was left as a completed file of {status?.Length} bytes");
    }

    [TmpfsFact]
    public async Task PutOfAFileLargerThanTheClusterExitsNonZeroSayingItIsFull()
    {
        using var cluster = await TmpfsCluster.StartAsync([DiskKiB, DiskKiB, DiskKiB], Timeout);
        var local = TestFiles.WriteRandom(_local.Combine("big.bin"), TooLargeBytes, seed: 402);
        (await cluster.CliAsync("mkdir", "-p", "/full")).EnsureSuccess();

        var clock = Stopwatch.StartNew();
        var put = await cluster.CliAsync("put", "--block-size", "1M", "-q", local, "/full/put").WaitAsync(Timeout);
        clock.Stop();
        output.WriteLine($"put exited {put.ExitCode} after {clock.Elapsed}:\n{put.Stderr}");

        Assert.True(put.ExitCode != 0, $"put succeeded:\n{put.Stdout}\n{put.Stderr}");
        Assert.Matches(FullMessage(), put.Stderr);
        Assert.DoesNotContain("pipeline could be set up", put.Stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < FailWithin, $"put took {clock.Elapsed} to fail (bound {FailWithin}):\n{put.Stderr}");
        Assert.NotEqual(0, (await cluster.CliAsync("stat", "--json", "/full/put")).ExitCode);
        var copying = await cluster.CliAsync("stat", "--json", "/full/put._COPYING_");
        if (copying.ExitCode == 0)
        {
            using var stat = JsonDocument.Parse(copying.Stdout);
            Assert.True(stat.RootElement.GetProperty("underConstruction").GetBoolean(), $"/full/put._COPYING_ was completed:\n{copying.Stdout}");
        }
    }

    [TmpfsFact]
    public async Task WhenTheNameNodeKnowsEveryDataNodeIsFullPutFailsAtOnceSayingTheClusterIsFull()
    {
        using var cluster = await TmpfsCluster.StartAsync([DiskKiB, DiskKiB], Timeout);
        foreach (var mount in cluster.Mounts)
        {
            mount.Fill();
        }
        await cluster.WaitUntilAsync(async () => (await cluster.RemainingBytesAsync()) is { Count: 2 } remaining && remaining.All(r => r < BlockSize),
            "both DataNodes reported full", Timeout);
        var local = TestFiles.WriteRandom(_local.Combine("small.bin"), 4 * BlockSize, seed: 404);

        var clock = Stopwatch.StartNew();
        var put = await cluster.CliAsync("put", "--block-size", "1M", "-q", local, "/small").WaitAsync(Timeout);
        clock.Stop();
        output.WriteLine($"put exited {put.ExitCode} after {clock.Elapsed}:\n{put.Stderr}");

        // The NameNode's DiskFull is not retried as a transient error: it is not one.
        Assert.True(put.ExitCode != 0, $"put succeeded:\n{put.Stdout}\n{put.Stderr}");
        Assert.Contains("the cluster is full", put.Stderr, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"dn0 \(\d+ bytes free"), put.Stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"put took {clock.Elapsed} to fail");
        Assert.NotEqual(0, (await cluster.CliAsync("stat", "/small")).ExitCode);
        Assert.NotEqual(0, (await cluster.CliAsync("stat", "/small._COPYING_")).ExitCode);
    }

    [TmpfsFact]
    public async Task WithOneDataNodeFullAWriteSucceedsOnTheOthers()
    {
        using var mount = TmpfsMount.Create(DiskKiB);
        using var cluster = await LocalClusterProcesses.StartAsync(2);
        using (var full = ChildProcess.Start(RepoPaths.Launcher,
            ["datanode", "--namenode", cluster.Address, "--data", mount.Path, "--port", "0", "--http-port", "0", "--id", "dnfull"], cluster.DataNodeSettings()))
        {
            await full.WaitForLineAsync(new Regex("DataNode listening"), Timeout);
            mount.Fill();
            await WaitUntilAsync(cluster, async () => await RemainingBytesAsync(cluster, "dnfull") is >= 0 and < BlockSize,
                "the NameNode heard that dnfull is full", Timeout);

            var data = TestFiles.RandomBytes(6 * BlockSize, seed: 403);
            using (var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address }))
            {
                await using (var stream = await client.CreateAsync("/full/some", new CreateFileOptions { Replication = 3, BlockSizeBytes = BlockSize }).WaitAsync(Timeout))
                {
                    await stream.WriteAsync(data).AsTask().WaitAsync(Timeout);
                    await stream.CloseAsync().WaitAsync(Timeout);
                }

                await using var input = await client.OpenAsync("/full/some").WaitAsync(Timeout);
                var back = new byte[data.Length];
                Assert.Equal(data.Length, await input.ReadAtAsync(0, back).WaitAsync(Timeout));
                Assert.True(data.AsSpan().SequenceEqual(back), "/full/some reads back different bytes");
            }

            var blocks = await BlocksAsync(cluster, "/full/some");
            Assert.Equal(6, blocks.Count);
            Assert.All(blocks, block => Assert.Equal(2, block.Nodes.Count));
            Assert.All(blocks, block => Assert.DoesNotContain("dnfull", block.Nodes));
            var nameNodeLog = File.ReadAllText(Path.Combine(cluster.Directory, "logs", "namenode.log"));
            Assert.Matches(new Regex(@"dnfull \(\d+ bytes free"), nameNodeLog);
        }
    }

    private static async Task<long> RemainingBytesAsync(LocalClusterProcesses cluster, string nodeId)
    {
        using var report = JsonDocument.Parse((await cluster.CliAsync("report", "--json")).EnsureSuccess().Stdout);
        var node = report.RootElement.GetProperty("datanodes").EnumerateArray().SingleOrDefault(n => n.GetProperty("uuid").GetString() == nodeId);
        return node.ValueKind == JsonValueKind.Undefined || node.GetProperty("state").GetString() != "live" ? -1 : node.GetProperty("remainingBytes").GetInt64();
    }

    /// <summary>What the SDK's DiskFull says, from the pipeline ("the DataNodes are full") or from placement ("the cluster is full").</summary>
    [GeneratedRegex("(DataNodes are|cluster is) full")]
    private static partial Regex FullMessage();
}
