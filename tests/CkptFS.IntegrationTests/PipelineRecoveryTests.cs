using System.Text.Json;
using System.Text.RegularExpressions;
using CkptFS.Client;
using CkptFS.Common.Logging;
using CkptFS.Testing;
using Serilog.Events;
using static CkptFS.IntegrationTests.ClusterChecks;

namespace CkptFS.IntegrationTests;

/// <summary>
/// A DataNode lost mid-block (killed -9, or its disk full) while a client writes with replication 3:
/// the writer drops it, rebuilds the pipeline from the survivors under a new genstamp, resends what
/// was not acknowledged and goes on (with the spare DataNode in its place when the block was hflushed);
/// the file reads back byte for byte, and the NameNode brings every block back to 3 replicas.
/// </summary>
public sealed class PipelineRecoveryTests : IDisposable
{
    private const int BlockSize = 4 * 1024 * 1024;
    private const int FileBytes = 6 * BlockSize;

    /// <summary>Inside the third block, and not on a chunk boundary (1,500,000 = 2929 x 512 + 352): an hflush here ends mid-chunk.</summary>
    private const int FailAt = (2 * BlockSize) + 1_500_000;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _local = new("ckptfs-recovery");

    public void Dispose() => _local.Dispose();

    [Fact]
    public Task KillingTheSecondNodeOfThePipelineAfterAnHflushMidChunkLosesNothing() => KillMidBlockAsync(pipelineIndex: 1, flushFirst: true, seed: 201);

    [Fact]
    public Task KillingTheFirstNodeOfThePipelineWithPacketsInFlightLosesNothing() => KillMidBlockAsync(pipelineIndex: 0, flushFirst: false, seed: 202);

    [TmpfsFact]
    public async Task ADataNodeWhoseDiskFillsMidBlockIsDroppedAndTheWriteCompletes()
    {
        using var mount = TmpfsMount.Create(sizeKiB: 64 * 1024);
        using var cluster = await LocalClusterProcesses.StartAsync(2);
        using var full = ChildProcess.Start(RepoPaths.Launcher,
            ["datanode", "--namenode", cluster.Address, "--data", mount.Path, "--port", "0", "--http-port", "0", "--id", "dnfull"], cluster.DataNodeSettings());
        await full.WaitForLineAsync(new Regex("DataNode listening"), Timeout);
        await WaitUntilAsync(cluster, async () => await LiveDataNodesAsync(cluster) == 3, "3 live DataNodes");
        var data = TestFiles.RandomBytes(FileBytes, seed: 203);
        var log = _local.Combine("client.log");
        using (var logging = LogSetup.CreateFactory(LogFormat.Text, LogEventLevel.Warning, log))
        using (var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address, LoggerFactory = logging }))
        {
            await using var output = await client.CreateAsync("/recovery/full", new CreateFileOptions { Replication = 3, BlockSizeBytes = BlockSize }).WaitAsync(Timeout);
            await WriteRangeAsync(output, data, 0, FailAt);
            Assert.Contains("dnfull", output.Pipeline.Select(n => n.DatanodeUuid)); // 3 nodes, replication 3: all of them
            mount.Fill();
            await WriteRangeAsync(output, data, FailAt, FileBytes - 1000);
            Assert.DoesNotContain("dnfull", output.Pipeline.Select(n => n.DatanodeUuid));
            await WriteRangeAsync(output, data, FileBytes - 1000, FileBytes);
            await output.CloseAsync().WaitAsync(Timeout);
            await AssertReadsBackAsync(client, "/recovery/full", data);
        }

        AssertRecoveryLogged(log, dropped: "dnfull");
        var blocks = await BlocksAsync(cluster, "/recovery/full");
        Assert.Equal(6, blocks.Count);
        // The blocks after the fill were not written to dnfull; a copy there later can only be the
        // NameNode re-replicating an under-replicated block once dnfull freed its failed replica's space.
        var nameNodeLog = File.ReadAllText(Path.Combine(cluster.Directory, "logs", "namenode.log"));
        Assert.All(blocks.Skip(3), block => Assert.True(
            !block.Nodes.Contains("dnfull") || Regex.IsMatch(nameNodeLog, $@"Replicating blk_{block.Id} [^\n]* to [^\n]*\bdnfull\b"),
            $"blk_{block.Id} is on dnfull, and the NameNode did not re-replicate it there:\n{nameNodeLog}"));
        Assert.All(blocks, block => Assert.True(block.Nodes.Count >= 2,
            $"blk_{block.Id} on {string.Join(", ", block.Nodes)}\nclient log:\n{File.ReadAllText(log)}\n{cluster.Logs()}\ndnfull:\n{full.Stdout}\n{full.Stderr}"));
    }

    [Fact]
    public async Task PutFromAPipeGoesOnWhenAPipelineNodeIsKilledAndSaysSoOnStderr()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(4);
        var data = TestFiles.RandomBytes(FileBytes, seed: 204);
        using var put = ChildProcess.Start(RepoPaths.Launcher, ["put", "--block-size", "4M", "-", "/recovery/piped"], new Dictionary<string, string>(cluster.Environment));
        await put.StandardInput.WriteAsync(data.AsMemory(0, FailAt)).AsTask().WaitAsync(Timeout);
        await put.StandardInput.FlushAsync().WaitAsync(Timeout);

        // The third block is allocated once 8 MiB reached the writer; the stdin pipe holds the rest of what was given.
        List<BlockNodes> blocks = [];
        await WaitUntilAsync(cluster, async () => (blocks = await BlocksAsync(cluster, "/recovery/piped._COPYING_")).Count == 3, "the third block allocated", Timeout);
        var victim = blocks[2].Nodes[^1];
        await cluster.KillDataNodeAsync(victim);
        await put.StandardInput.WriteAsync(data.AsMemory(FailAt)).AsTask().WaitAsync(Timeout);
        put.StandardInput.Close();

        Assert.True(await put.WaitForExitAsync(Timeout) == 0, $"put failed.\nstderr:\n{put.Stderr}\n{cluster.Logs()}");
        var recovered = new Regex($@"Recovered the pipeline of blk_{blocks[2].Id} of /recovery/piped\._COPYING_: \[[^\]]*{victim}@[^\]]*\] -> \[(?![^\]]*{victim}@)");
        Assert.True(recovered.IsMatch(put.Stderr), $"no recovery without {victim} of blk_{blocks[2].Id} on stderr:\n{put.Stderr}");
        var back = _local.Combine("piped.back");
        (await cluster.CliAsync("get", "/recovery/piped", back)).EnsureSuccess();
        Assert.True(data.AsSpan().SequenceEqual(File.ReadAllBytes(back)), "the file read back differs from what was piped in");
    }

    /// <summary>
    /// Writes a 6-block file, kills the node at <paramref name="pipelineIndex"/> of the third block's
    /// pipeline, writes the rest; with <paramref name="flushFirst"/> the kill follows an hflush that
    /// ended mid-chunk, so the resent packet restarts that chunk below the bytes acknowledged.
    /// </summary>
    private async Task KillMidBlockAsync(int pipelineIndex, bool flushFirst, int seed)
    {
        using var cluster = await LocalClusterProcesses.StartAsync(4);
        var data = TestFiles.RandomBytes(FileBytes, seed);
        var log = _local.Combine("client.log");
        string victim;
        using (var logging = LogSetup.CreateFactory(LogFormat.Text, LogEventLevel.Warning, log))
        using (var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address, LoggerFactory = logging }))
        {
            await using var output = await client.CreateAsync("/recovery/shard", new CreateFileOptions { Replication = 3, BlockSizeBytes = BlockSize }).WaitAsync(Timeout);
            await WriteRangeAsync(output, data, 0, FailAt);
            if (flushFirst)
            {
                await output.FlushAsync().WaitAsync(Timeout);
            }
            Assert.Equal(3, output.Pipeline.Count);
            victim = output.Pipeline[pipelineIndex].DatanodeUuid;
            await cluster.KillDataNodeAsync(victim);
            await WriteRangeAsync(output, data, FailAt, FileBytes - 1000);
            Assert.Equal(3, output.Pipeline.Count); // the last block's: later blocks leave the failed node out
            Assert.DoesNotContain(victim, output.Pipeline.Select(n => n.DatanodeUuid));
            await WriteRangeAsync(output, data, FileBytes - 1000, FileBytes);
            await output.CloseAsync().WaitAsync(Timeout);
            await AssertReadsBackAsync(client, "/recovery/shard", data);
        }

        AssertRecoveryLogged(log, dropped: victim);
        if (flushFirst)
        {
            // Readers saw the block's bytes: the DEFAULT policy brings in the spare DataNode at once.
            Assert.Contains(File.ReadLines(log), line => line.Contains("Added [", StringComparison.Ordinal));
        }
        await WaitUntilAsync(cluster, async () =>
        {
            var blocks = await BlocksAsync(cluster, "/recovery/shard");
            using var fsck = JsonDocument.Parse((await cluster.CliAsync("fsck", "--json", "/recovery")).Stdout);
            return blocks.All(b => b.Nodes.Count == 3 && !b.Nodes.Contains(victim))
                && fsck.RootElement.GetProperty("healthy").GetBoolean() && fsck.RootElement.GetProperty("underReplicatedBlocks").GetInt64() == 0;
        }, $"every block back at 3 live replicas without {victim}, fsck healthy", TimeSpan.FromSeconds(150));
    }

    private static async Task WriteRangeAsync(Stream output, byte[] data, int from, int to)
    {
        for (var at = from; at < to; at += 1024 * 1024)
        {
            await output.WriteAsync(data.AsMemory(at, Math.Min(1024 * 1024, to - at))).AsTask().WaitAsync(Timeout);
        }
    }

    private static async Task AssertReadsBackAsync(CkptFsClient client, string path, byte[] data)
    {
        await using var input = await client.OpenAsync(path).WaitAsync(Timeout);
        Assert.Equal(data.Length, input.Length);
        var back = new byte[data.Length];
        Assert.Equal(data.Length, await input.ReadAtAsync(0, back).WaitAsync(Timeout));
        Assert.True(data.AsSpan().SequenceEqual(back), $"{path} reads back different bytes");
    }

    /// <summary>The client logged one recovery of the pipeline that dropped <paramref name="dropped"/>, at Warning.</summary>
    private static void AssertRecoveryLogged(string log, string dropped)
    {
        var recoveries = File.ReadLines(log).Where(line => line.Contains("Recovered the pipeline", StringComparison.Ordinal)).ToList();
        Assert.True(recoveries.Count >= 1, $"no recovery logged:\n{File.ReadAllText(log)}");
        Assert.All(recoveries, line => Assert.Contains("\"Level\":\"Warning\"", line, StringComparison.Ordinal));
        Assert.Contains(recoveries, line => line.Contains($"{dropped}@", StringComparison.Ordinal));
    }

    private static async Task<int> LiveDataNodesAsync(LocalClusterProcesses cluster)
    {
        using var report = JsonDocument.Parse((await cluster.CliAsync("report", "--json")).EnsureSuccess().Stdout);
        return report.RootElement.GetProperty("datanodes").EnumerateArray().Count(n => n.GetProperty("state").GetString() == "live");
    }
}
