using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using CkptFS.Common;
using CkptFS.Client;
using CkptFS.Testing;
using Xunit.Abstractions;

namespace CkptFS.IntegrationTests;

/// <summary>
/// Writers that die or stall mid-file, on real processes: another client takes the file over after
/// the soft limit, the NameNode recovers it by itself after the hard limit, a resumed writer is
/// fenced, and a NameNode killed under many writers recovers every open file. Limits in seconds:
/// soft 3 s, hard 10 s.
/// </summary>
public sealed class LeaseRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private const long MiB = 1024 * 1024;
    private static readonly TimeSpan SoftLimit = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan HardLimit = TimeSpan.FromSeconds(10);

    internal static readonly Dictionary<string, string> FastLeases = new()
    {
        ["CKPTFS_NAMENODE__LEASES__SOFTLIMIT"] = "00:00:03",
        ["CKPTFS_NAMENODE__LEASES__HARDLIMIT"] = "00:00:10",
        ["CKPTFS_NAMENODE__LEASES__CHECKINTERVAL"] = "00:00:00.5",
        ["CKPTFS_NAMENODE__LEASES__RECOVERYTIMEOUT"] = "00:00:10",
        ["CKPTFS_NAMENODE__DATANODES__HEARTBEATINTERVAL"] = "00:00:00.5",
        ["CKPTFS_DATANODE__NAMENODE__HEARTBEATINTERVAL"] = "00:00:00.5",
    };

    private readonly TempDirectory _local = new("ckptfs-leases");

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task AWriterKilledMidFileIsTakenOverAfterTheSoftLimitAtALengthEveryReplicaHolds()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3, FastLeases);
        var (killedAt, flushed) = await KillWriterMidFileAsync(cluster, "/leases/killed", seed: 7, flushedAtLeast: 5 * MiB);

        // Too early: the error names the holder and when the file can be taken over.
        var early = await Assert.ThrowsAsync<CkptFsException>(() => RecoverLeaseAsync(cluster, "/leases/killed"));
        Assert.Equal(ErrorCode.LeaseHeldByOther, early.Code);
        Assert.Matches(new Regex("being written by ckptfs-.*it can be taken over after the soft limit"), early.Message);

        var takeover = await TakeOverAsync(cluster, "/leases/killed", TimeSpan.FromSeconds(60));
        output.WriteLine($"writer killed -> file taken over and closed: {killedAt.Elapsed.TotalSeconds:0.0} s (soft limit {SoftLimit.TotalSeconds} s; polling took {takeover.TotalSeconds:0.0} s)");
        Assert.True(killedAt.Elapsed < SoftLimit + TimeSpan.FromSeconds(10), $"takeover took {killedAt.Elapsed.TotalSeconds:0.0} s");
        await ClusterInvariants.AssertPatternFileAsync(cluster, "/leases/killed", 7, flushed, 256 * MiB, _local);
        await ClusterInvariants.AssertConvergedAsync(cluster, "/leases", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task APausedWriterResumedAfterATakeoverCannotWriteToTheFile()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3, FastLeases);
        using var writer = SlowWriter.Start(cluster.Address, "/leases/paused", seed: 8, totalBytes: 256 * MiB, flushEvery: MiB / 2, pauseMs: 5, blockSize: 4 * MiB);
        await writer.WaitFlushedAsync(3 * MiB, TimeSpan.FromSeconds(120));
        writer.Process.Signal(19); // SIGSTOP: its lease renewals stop with it
        var flushed = writer.Flushed;
        await Task.Delay(SoftLimit + TimeSpan.FromMilliseconds(500));
        await TakeOverAsync(cluster, "/leases/paused", TimeSpan.FromSeconds(60));
        var length = await ClusterInvariants.AssertPatternFileAsync(cluster, "/leases/paused", 8, flushed, 256 * MiB, _local);

        writer.Process.Signal(18); // SIGCONT: it goes on writing as if nothing happened, and is refused
        var exit = await writer.Process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(exit == 3, $"the resumed writer exited {exit}:\n{writer.Process.Stdout}\n{writer.Process.Stderr}");
        Assert.Matches(new Regex("^error ", RegexOptions.Multiline), writer.Process.Stdout);
        Assert.Equal(length, await ClusterInvariants.AssertPatternFileAsync(cluster, "/leases/paused", 8, length, length, _local));
        await ClusterInvariants.AssertConvergedAsync(cluster, "/leases", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task AfterTheHardLimitTheNameNodeRecoversAnAbandonedFileByItself()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3, FastLeases);
        var (killedAt, flushed) = await KillWriterMidFileAsync(cluster, "/leases/abandoned", seed: 9, flushedAtLeast: 6 * MiB);
        await WaitClosedAsync(cluster, "/leases/abandoned", HardLimit + TimeSpan.FromSeconds(30));
        output.WriteLine($"writer killed -> file recovered by the NameNode alone: {killedAt.Elapsed.TotalSeconds:0.0} s (hard limit {HardLimit.TotalSeconds} s)");
        Assert.True(killedAt.Elapsed > HardLimit - TimeSpan.FromSeconds(1), $"closed after {killedAt.Elapsed.TotalSeconds:0.0} s, before the hard limit");
        await ClusterInvariants.AssertPatternFileAsync(cluster, "/leases/abandoned", 9, flushed, 256 * MiB, _local);
        await ClusterInvariants.AssertConvergedAsync(cluster, "/leases", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task ANameNodeKilledUnderManyWritersKeepsClosedFilesAndRecoversTheOpenOnes()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3, FastLeases);
        for (var i = 0; i < 3; i++)
        {
            using var done = SlowWriter.Start(cluster.Address, $"/nnkill/closed-{i}", seed: 20 + i, totalBytes: MiB + (i * 12345), flushEvery: MiB, pauseMs: 0, blockSize: MiB);
            Assert.Equal(0, await done.Process.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        }
        var writers = Enumerable.Range(0, 4)
            .Select(i => SlowWriter.Start(cluster.Address, $"/nnkill/open-{i}", seed: 30 + i, totalBytes: 256 * MiB, flushEvery: MiB / 4, pauseMs: 10, blockSize: 2 * MiB))
            .ToList();
        try
        {
            foreach (var writer in writers)
            {
                await writer.WaitFlushedAsync(MiB, TimeSpan.FromSeconds(120));
            }
            var nameNode = cluster.State().GetProperty("nameNode");
            using (var process = Process.GetProcessById(nameNode.GetProperty("pid").GetInt32()))
            {
                process.Kill();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            foreach (var writer in writers)
            {
                writer.Kill();
            }
            using var restarted = ChildProcess.Start(RepoPaths.Launcher,
                ["namenode", "--data", nameNode.GetProperty("dataDirectory").GetString()!, "--port", cluster.Address.Split(':')[1], "--http-port", "0"], FastLeases);
            await restarted.WaitForLineAsync(new Regex("NameNode listening"), TimeSpan.FromSeconds(120));

            for (var i = 0; i < 3; i++)
            {
                var size = MiB + (i * 12345);
                await WaitClosedAsync(cluster, $"/nnkill/closed-{i}", TimeSpan.FromSeconds(60));
                await ClusterInvariants.AssertPatternFileAsync(cluster, $"/nnkill/closed-{i}", 20 + i, size, size, _local);
            }
            foreach (var (writer, i) in writers.Select((w, i) => (w, i)))
            {
                await WaitClosedAsync(cluster, writer.Path, HardLimit + TimeSpan.FromSeconds(60));
                await ClusterInvariants.AssertPatternFileAsync(cluster, writer.Path, 30 + i, writer.Flushed, 256 * MiB, _local);
            }
            await ClusterInvariants.AssertConvergedAsync(cluster, "/nnkill", TimeSpan.FromSeconds(60));
        }
        finally
        {
            writers.ForEach(w => w.Dispose());
        }
    }

    /// <summary>A writer of 4 MiB blocks killed -9 once it flushed <paramref name="flushedAtLeast"/>: a clock started at the kill, and the bytes it had flushed.</summary>
    private static async Task<(Stopwatch KilledAt, long Flushed)> KillWriterMidFileAsync(LocalClusterProcesses cluster, string path, int seed, long flushedAtLeast)
    {
        using var writer = SlowWriter.Start(cluster.Address, path, seed, totalBytes: 256 * MiB, flushEvery: MiB / 2, pauseMs: 5, blockSize: 4 * MiB);
        await writer.WaitFlushedAsync(flushedAtLeast, TimeSpan.FromSeconds(120));
        writer.Kill();
        return (Stopwatch.StartNew(), writer.Flushed);
    }

    /// <summary>Another client asks for the file until it is closed (polling while the soft limit runs and recovery works); returns how long that took.</summary>
    private static async Task<TimeSpan> TakeOverAsync(LocalClusterProcesses cluster, string path, TimeSpan timeout)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await RecoverLeaseAsync(cluster, path))
                {
                    return started.Elapsed;
                }
            }
            catch (CkptFsException e) when (e.Code is ErrorCode.LeaseHeldByOther or ErrorCode.RecoveryInProgress)
            {
            }
            Assert.True(started.Elapsed < timeout, $"{path} was not taken over within {timeout.TotalSeconds} s.\n{cluster.Logs()}");
            await Task.Delay(200);
        }
    }

    /// <summary>One RecoverLease call by another client (the SDK's), without polling.</summary>
    private static async Task<bool> RecoverLeaseAsync(LocalClusterProcesses cluster, string path)
    {
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address });
        return await client.RecoverLeaseAsync(path);
    }

    private static Task WaitClosedAsync(LocalClusterProcesses cluster, string path, TimeSpan timeout) =>
        ClusterChecks.WaitUntilAsync(cluster, async () =>
        {
            var stat = await cluster.CliAsync("stat", "--json", path);
            return stat.ExitCode == 0 && !JsonDocument.Parse(stat.Stdout).RootElement.GetProperty("underConstruction").GetBoolean();
        }, $"{path} closed", timeout);
}
