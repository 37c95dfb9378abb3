using System.Diagnostics;
using System.Text.Json;
using CkptFS.IntegrationTests.Checkpoints;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Cli;

/// <summary>
/// The CLI's transfers against a real cluster: local failures as one line with the documented exit
/// code, Ctrl-C abandoning cleanly, one tensor read by position, fsck counting open files' bytes.
/// </summary>
public sealed class CliTransferTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>, IDisposable
{
    private const int SigInt = 2;
    private const int SigTerm = 15;
    private readonly TempDirectory _local = new("ckptfs-cli-transfer");

    private LocalClusterProcesses Cluster => fixture.Cluster;

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task LocalFailuresAreOneLineWithTheDocumentedExitCode()
    {
        var source = TestFiles.WriteRandom(_local.Combine("x.bin"), 10_000, seed: 5);
        (await Cluster.CliAsync("put", source, "/local-errors/x")).EnsureSuccess();
        var existing = TestFiles.WriteRandom(_local.Combine("existing"), 10, seed: 6);
        Directory.CreateDirectory(_local.Combine("dir", "x"));

        await AssertOneLineAsync(1, "a local file is in the way", "get", "/local-errors", existing);
        await AssertOneLineAsync(1, "no such local folder", "get", "/local-errors/x", _local.Combine("missing-dir", "sub", "file"));
        await AssertOneLineAsync(1, "is a local folder", "get", "-f", "/local-errors/x", _local.Combine("dir"));
        await AssertOneLineAsync(1, "already exists", "get", "/local-errors/x", existing);
        Assert.Empty(Directory.EnumerateFiles(_local.Path, "*._COPYING_", SearchOption.AllDirectories));

        var full = await CliRun.RunAsync(["sh", "-c", $"./ckptfs cat /local-errors/x > /dev/full"], new Dictionary<string, string>(Cluster.Environment), useShell: true);
        Assert.Equal(4, full.ExitCode);
        var line = Assert.Single(full.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ckptfs: local I/O: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigIntDuringPutAbandonsCleanlyAndARerunSucceedsAtOnce()
    {
        var source = TestFiles.WriteRandom(_local.Combine("large.bin"), 384L << 20, seed: 7);
        // The put pauses 8 s before it completes the file: on a loaded machine it cannot finish before the signal lands.
        await InterruptAsync(["put", "--block-size", "16M", source, "/sigint/large.bin"], SigInt, 130,
            async () => (await Cluster.CliAsync("stat", "/sigint/large.bin._COPYING_")).ExitCode == 0, PauseBefore("ClientBeforeFileComplete"));
        Assert.DoesNotContain("._COPYING_", (await Cluster.CliAsync("ls", "/sigint")).EnsureSuccess().Stdout, StringComparison.Ordinal);

        var rerun = Stopwatch.StartNew();
        (await Cluster.CliAsync("put", "-q", source, "/sigint/large.bin")).EnsureSuccess();
        (await Cluster.CliAsync("put", "-q", "-f", source, "/sigint/large.bin")).EnsureSuccess();
        Assert.True(rerun.Elapsed < TimeSpan.FromSeconds(55), $"re-runs took {rerun.Elapsed}: a lease of the interrupted put held them");

        // SIGTERM during get: 143, and no local NAME._COPYING_ left.
        var back = _local.Combine("back.bin");
        await InterruptAsync(["get", "/sigint/large.bin", back], SigTerm, 143, () => Task.FromResult(File.Exists(back + "._COPYING_")));
        Assert.False(File.Exists(back + "._COPYING_") || File.Exists(back), "get left a local file behind");
    }

    [Fact]
    public async Task SignalsDuringCkptSaveAndRestoreLeaveNothingBehind()
    {
        var folder = Directory.CreateDirectory(_local.Combine("save")).FullName;
        TestFiles.WriteRandom(Path.Combine(folder, "shard-0.bin"), 192L << 20, seed: 10);
        TestFiles.WriteRandom(Path.Combine(folder, "shard-1.bin"), 192L << 20, seed: 11);
        await InterruptAsync(["ckpt", "save", "/sig-job", "1", folder], SigInt, 130,
            async () => (await Cluster.CliAsync("ls", "-R", "/sig-job")).Stdout.Contains("shard-0.bin", StringComparison.Ordinal), PauseBefore("ClientBeforeCheckpointCommit"));
        Assert.DoesNotContain("shard-", (await Cluster.CliAsync("ls", "-R", "/sig-job")).Stdout, StringComparison.Ordinal);
        (await Cluster.CliAsync("ckpt", "save", "-q", "/sig-job", "1", folder)).EnsureSuccess();

        // SIGTERM during `ckpt restore`: 143, no local NAME._COPYING_ and no shard left; a re-run restores at once.
        var restored = _local.Combine("restored");
        await InterruptAsync(["ckpt", "restore", "/sig-job", "1", restored], SigTerm, 143,
            () => Task.FromResult(Directory.Exists(restored) && Directory.EnumerateFiles(restored, "*._COPYING_").Any()), PauseBefore("ClientBeforeShardRestored"));
        Assert.Empty(Directory.EnumerateFiles(restored, "*._COPYING_", SearchOption.AllDirectories));
        // A shard verified and renamed before the signal may stay: it is whole. The re-run overwrites.
        (await Cluster.CliAsync("ckpt", "restore", "-q", "-f", "/sig-job", "1", restored)).EnsureSuccess();
        foreach (var shard in new[] { "shard-0.bin", "shard-1.bin" })
        {
            var (expected, actual) = (await File.ReadAllBytesAsync(Path.Combine(folder, shard)), await File.ReadAllBytesAsync(Path.Combine(restored, shard)));
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{shard} differs");
        }
    }

    /// <summary>A pause of 8 s at a client fault point, so that the command is still running when the signal lands.</summary>
    private static string PauseBefore(string point) => $"{point}=delay:ms=8000:times=1";

    /// <summary>Starts `ckptfs ARGS`, sends <paramref name="signal"/> once <paramref name="started"/> holds, and expects <paramref name="exitCode"/>.</summary>
    private async Task InterruptAsync(string[] args, int signal, int exitCode, Func<Task<bool>> started, string? faults = null)
    {
        var environment = new Dictionary<string, string>(Cluster.Environment);
        if (faults is not null)
        {
            environment["CKPTFS_FAULTS"] = faults;
        }
        using var process = ChildProcess.Start(RepoPaths.Launcher, args, environment);
        await WaitForAsync(started, TimeSpan.FromSeconds(60));
        Assert.False(process.HasExited, $"'{string.Join(' ', args)}' ended before it could be interrupted");
        process.Signal(signal);
        Assert.Equal(exitCode, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("   at ", process.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CkptTensorReturnsExactlyTheTensorsBytes()
    {
        var folder = Directory.CreateDirectory(_local.Combine("ckpt")).FullName;
        var file = CheckpointFiles.Safetensors(("a", "F32", [2, 3], 4), ("b", "BF16", [5], 2));
        await File.WriteAllBytesAsync(Path.Combine(folder, "model.safetensors"), file);
        (await Cluster.CliAsync("ckpt", "save", "-q", "/tensor-job", "7", folder)).EnsureSuccess();

        using var meta = JsonDocument.Parse((await Cluster.CliAsync("ckpt", "tensor", "/tensor-job", "7", "b", "--json")).EnsureSuccess().Stdout);
        var (begin, end) = (meta.RootElement.GetProperty("begin").GetInt32(), meta.RootElement.GetProperty("end").GetInt32());
        Assert.Equal("BF16", meta.RootElement.GetProperty("dtype").GetString());
        Assert.Equal(10, end - begin);

        var output = _local.Combine("b.bin");
        (await Cluster.CliAsync("ckpt", "tensor", "/tensor-job", "7", "b", "--out", output)).EnsureSuccess();
        Assert.Equal(file[begin..end], await File.ReadAllBytesAsync(output));
        var missing = await Cluster.CliAsync("ckpt", "tensor", "/tensor-job", "7", "nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no tensor named nope", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CkptSaveOfAFileSaysItIsAFile()
    {
        var file = TestFiles.WriteRandom(_local.Combine("somefile.txt"), 10, seed: 8);
        await AssertOneLineAsync(1, "is a file, not a folder", "ckpt", "save", "/file-job", "1", file);
    }

    [Fact]
    public async Task FsckCountsTheBytesOfAFileOpenForWrite()
    {
        var bytes = TestFiles.RandomBytes(300_000, seed: 9);
        using var writer = ChildProcess.Start(RepoPaths.Launcher, ["put", "--block-size", "64K", "-", "/fsck-open/f"], new Dictionary<string, string>(Cluster.Environment));
        await writer.StandardInput.WriteAsync(bytes);
        await writer.StandardInput.FlushAsync();
        await WaitForAsync(async () =>
        {
            using var fsck = JsonDocument.Parse((await Cluster.CliAsync("fsck", "/fsck-open", "--json")).Stdout);
            return fsck.RootElement.GetProperty("openFiles").GetInt64() == 1 && fsck.RootElement.GetProperty("totalBytes").GetInt64() >= 4 * 65536;
        }, TimeSpan.FromSeconds(60));
        writer.StandardInput.Close();
        Assert.Equal(0, await writer.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    private async Task AssertOneLineAsync(int exitCode, string expected, params string[] args)
    {
        var result = await Cluster.CliAsync(args);
        Assert.True(exitCode == result.ExitCode, $"exit {result.ExitCode}, not {exitCode}: {result.Stderr}");
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ckptfs: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < timeout, $"not so within {timeout.TotalSeconds} s");
            await Task.Delay(100);
        }
    }
}
