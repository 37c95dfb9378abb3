using System.Text.Json;
using System.Text.RegularExpressions;
using CkptFS.Testing;
using static CkptFS.IntegrationTests.Mount.MountPrograms;

namespace CkptFS.IntegrationTests.Mount;

/// <summary>
/// The mount's process as an operator meets it: in the background with a log, unmounted by the CLI
/// (refused while busy, --lazy), SIGTERM with a file still open for write, and kill -9.
/// </summary>
[Collection("mount")]
public sealed partial class MountLifecycleTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(60);

    private LocalClusterProcesses Cluster => fixture.Cluster;

    [FuseFact]
    public async Task ABackgroundMountNamesItsPidAndLogAndUnmountRemovesIt()
    {
        using var state = new TempDirectory("ckptfs-mount-state");
        var folder = Directory.CreateTempSubdirectory("ckptfs-mnt-").FullName;
        var environment = new Dictionary<string, string>(Cluster.Environment) { ["CKPTFS_MOUNT_STATE_DIR"] = state.Path };
        int? pid = null;
        try
        {
            var mounted = await CliRun.RunAsync(["mount", folder], environment, Step);
            Assert.True(mounted.ExitCode == 0, $"ckptfs mount exited {mounted.ExitCode}:\n{mounted.Stdout}\n{mounted.Stderr}");
            var line = MountedLine().Match(mounted.Stdout);
            Assert.True(line.Success, $"ckptfs mount printed: {mounted.Stdout}");
            pid = int.Parse(line.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture);
            var log = line.Groups["log"].Value;
            Assert.Equal(folder, line.Groups["mnt"].Value);
            Assert.StartsWith(state.Path, log, StringComparison.Ordinal);
            Assert.True(File.Exists(log), $"no log file {log}");
            Assert.True(CkptFsMount.IsMounted(folder), "ckptfs mount returned but the kernel shows no fuse.ckptfs mount");
            Assert.True(File.Exists($"/proc/{pid}/status"), $"the mount process {pid} is not running");

            var name = $"bg-{Guid.NewGuid():N}";
            var written = await PythonCodeAsync("import os,sys; open(os.path.join(sys.argv[1], sys.argv[2]), 'w').write('hello'); print(sorted(os.listdir(sys.argv[1])))", Step, folder, name);
            AssertPassed(written, "a write through the background mount");
            Assert.Contains(name, written.Stdout, StringComparison.Ordinal);
            (await Cluster.CliAsync("stat", "/" + name)).EnsureSuccess();

            var again = await CliRun.RunAsync(["mount", folder], environment, Step);
            Assert.NotEqual(0, again.ExitCode);
            Assert.Contains("already", again.Stderr, StringComparison.Ordinal);

            // Busy (a file open inside it): refused with advice; --lazy detaches it.
            using (var holder = ChildProcess.Start(Python, ["-c", "import sys; f=open(sys.argv[1]); print('open', flush=True); sys.stdin.readline()", Path.Combine(folder, name)]))
            {
                await holder.WaitForLineAsync(new Regex("^open$"), Step);
                var busy = await CliRun.RunAsync(["unmount", folder], environment, Step);
                Assert.True(busy.ExitCode != 0, $"unmount of a busy mount succeeded:\n{busy.Stdout}");
                Assert.Contains("busy", busy.Stderr, StringComparison.Ordinal);
                Assert.Contains("--lazy", busy.Stderr, StringComparison.Ordinal);
                Assert.True(CkptFsMount.IsMounted(folder), "a refused unmount removed the mount");
            }

            var unmounted = await CliRun.RunAsync(["unmount", folder], environment, Step);
            Assert.True(unmounted.ExitCode == 0, $"ckptfs unmount exited {unmounted.ExitCode}:\n{unmounted.Stdout}\n{unmounted.Stderr}");
            Assert.False(CkptFsMount.IsMounted(folder), "still mounted after ckptfs unmount");
            await WaitUntilAsync(() => !File.Exists($"/proc/{pid}/status"), TimeSpan.FromSeconds(40), $"the mount process {pid} to exit after unmount");
            Assert.Contains("Unmounted", File.ReadAllText(log), StringComparison.Ordinal);
        }
        finally
        {
            KillQuietly(pid);
            CkptFsMount.ForceUnmount(folder);
            DeleteIfUnmounted(folder);
        }
    }

    [FuseFact]
    public async Task SigtermCompletesAFileStillOpenForWriteAndUnmounts()
    {
        var mount = await CkptFsMount.StartAsync(Cluster.Address);
        using var cleanup = mount;
        var name = $"/sigterm-{Guid.NewGuid():N}.bin";
        using var writer = ChildProcess.Start(Python, [Script("slow_writer.py"), mount.Path + name, "--seed", "31", "--mib", "10", "--hold"]);
        await writer.WaitForLineAsync(new Regex("^holding"), Step);
        Assert.True((await StatAsync(name)).GetProperty("underConstruction").GetBoolean(), "the file is not open for write before SIGTERM");

        var exitCode = await mount.TerminateAsync(TimeSpan.FromSeconds(40));
        Assert.True(exitCode == 0, $"the mount exited {exitCode} after SIGTERM:\n{Tail(mount.Process.Stderr)}\n{Tail(mount.Process.Stdout)}");
        Assert.False(CkptFsMount.IsMounted(mount.Path), "still mounted after SIGTERM");
        var status = await StatAsync(name);
        Assert.False(status.GetProperty("underConstruction").GetBoolean(), $"the file open at SIGTERM was not completed: {status}");
        Assert.Equal(10L << 20, status.GetProperty("length").GetInt64());
        writer.Kill();

        using var local = new TempDirectory("ckptfs-sigterm");
        (await Cluster.CliAsync("get", name, local.Combine("back"))).EnsureSuccess();
        AssertPassed(await PythonAsync("read_check.py", [local.Combine("back"), "--seed", "31", "--bytes", (10 << 20).ToString()], Step), "the completed file's bytes");
    }

    [FuseFact]
    public async Task KillDash9LeavesADeadMountThatUnmountClearsAndAPendingShardIsNotCommitted()
    {
        var folder = Directory.CreateTempSubdirectory("ckptfs-mnt-").FullName;
        var job = $"/killed-{Guid.NewGuid():N}";
        var shard = $"{job}/.pending/step-00000001/model.pt";
        try
        {
            using (var mount = await CkptFsMount.StartAsync(Cluster.Address, mountpoint: folder))
            {
                AssertPassed(await PythonCodeAsync("import os,sys; os.makedirs(sys.argv[1])", Step, folder + job + "/.pending/step-1"), "makedirs of the pending step");
                using var writer = ChildProcess.Start(Python, [Script("slow_writer.py"), folder + shard, "--seed", "41", "--mib", "6", "--hold"]);
                await writer.WaitForLineAsync(new Regex("^holding"), Step);
                mount.KillDash9();
                writer.Kill();
                Assert.True(CkptFsMount.IsMounted(folder), "the kernel forgot the mount of a killed process (expected a dead mount)");
                var dead = await PythonCodeAsync("import os,sys\ntry:\n os.listdir(sys.argv[1]); print('listed')\nexcept OSError as e: print(e.errno)", Step, folder);
                Assert.Contains("107", dead.Stdout, StringComparison.Ordinal);   // ENOTCONN: Transport endpoint is not connected

                var unmounted = await CliRun.RunAsync(["unmount", folder], new Dictionary<string, string>(Cluster.Environment), Step);
                Assert.True(unmounted.ExitCode == 0, $"ckptfs unmount of a dead mount exited {unmounted.ExitCode}:\n{unmounted.Stdout}\n{unmounted.Stderr}");
                Assert.False(CkptFsMount.IsMounted(folder), "the dead mount is still there after ckptfs unmount");
            }

            // The killed mount's file is still open for write; lease recovery closes it.
            Assert.True((await StatAsync(shard)).GetProperty("underConstruction").GetBoolean(), "the killed mount's shard was completed");
            (await Cluster.CliAsync("recover-lease", "--force", "--timeout", "60s", shard)).EnsureSuccess();
            Assert.False((await StatAsync(shard)).GetProperty("underConstruction").GetBoolean(), "recover-lease did not close the shard");

            // A new mount on the same folder serves the same tree; the step cannot be committed.
            using var again = await CkptFsMount.StartAsync(Cluster.Address, mountpoint: folder);
            var listed = await PythonCodeAsync("import os,sys; print(sorted(os.listdir(sys.argv[1])))", Step, folder + job + "/.pending/step-1");
            AssertPassed(listed, "listing the pending step through a new mount", again);
            Assert.Contains("model.pt", listed.Stdout, StringComparison.Ordinal);
            var commit = await PythonCodeAsync("import os,sys\ntry:\n os.rename(sys.argv[1] + '/.pending/step-1', sys.argv[1] + '/step-1'); print('committed')\nexcept OSError as e: print('errno', e.errno)", Step, folder + job);
            Assert.Contains("errno 5", commit.Stdout, StringComparison.Ordinal);
            var latest = await Cluster.CliAsync("ckpt", "latest", job);
            Assert.True(latest.ExitCode != 0, $"ckpt latest names a checkpoint after a killed save: {latest.Stdout}");
        }
        finally
        {
            CkptFsMount.ForceUnmount(folder);
            DeleteIfUnmounted(folder);
        }
    }

    /// <summary>
    /// The helper every mount test relies on never hangs: a mount whose process is stopped (SIGSTOP)
    /// with a program blocked in a call on it is cleared by Dispose within its bounds (15 s for
    /// SIGTERM, then the connection's abort switch and kill -9), and the blocked program gets an error.
    /// </summary>
    [FuseFact]
    public async Task AStuckMountIsClearedWithinBoundedTimeAndItsCallersFail()
    {
        var mount = await CkptFsMount.StartAsync(Cluster.Address);
        string folder;
        using (mount)
        {
            folder = mount.Path;
            mount.Process.Signal(19);   // SIGSTOP: the mount answers nothing from now on
            using var blocked = ChildProcess.Start(Python, ["-c", "import os,sys\ntry:\n os.stat(sys.argv[1]); print('answered')\nexcept OSError as e: print('errno', e.errno)", Path.Combine(folder, "stuck")]);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(blocked.HasExited, "a stat on a stopped mount returned");
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            mount.Dispose();
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(40), $"Dispose of a stuck mount took {stopwatch.Elapsed.TotalSeconds:0} s");
            Assert.False(CkptFsMount.IsMounted(folder), "the stuck mount is still there after Dispose");
            await blocked.WaitForExitAsync(TimeSpan.FromSeconds(20));
            Assert.Contains("errno", blocked.Stdout, StringComparison.Ordinal);
        }
        Assert.False(Directory.Exists(folder), $"Dispose left the mountpoint folder {folder}");
    }

    private async Task<JsonElement> StatAsync(string path)
    {
        var result = (await Cluster.CliAsync("stat", "--json", path)).EnsureSuccess();
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            await Task.Delay(100);
        }
    }

    internal static void KillQuietly(int? pid)
    {
        if (pid is not { } id)
        {
            return;
        }
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(id);
            process.Kill();
            process.WaitForExit(10_000);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
        }
    }

    internal static void DeleteIfUnmounted(string folder)
    {
        if (CkptFsMount.MountAt(folder) is null && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: false);
        }
    }

    [GeneratedRegex(@"Mounted CkptFS at (?<mnt>\S+) \(pid (?<pid>\d+); log (?<log>[^)]+)\)")]
    private static partial Regex MountedLine();
}
