using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CkptFS.Testing;

/// <summary>
/// A real `ckptfs mount MNT -f` child process (the Release CLI through the launcher), on a fresh
/// folder of its own. Start returns once the kernel shows a fuse.ckptfs mount there (≤ 30 s).
/// Dispose can never hang: SIGTERM and ≤ 15 s for the process to unmount and exit; then kill -9,
/// `fusermount3 -u -z`, and if the mount is still there, 1 into the connection's abort switch
/// (/sys/fs/fuse/connections/N/abort), which fails every call still waiting on it. The folder is
/// removed only once nothing is mounted on it (a recursive delete through a live mount would delete
/// CkptFS files).
/// </summary>
public sealed partial class CkptFsMount : IDisposable
{
    public const string FileSystemType = "fuse.ckptfs";

    private static readonly TimeSpan MountWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(15);
    private static readonly Lazy<string?> _unavailableReason = new(Probe);

    private readonly bool _ownsFolder;
    private int _disposed;

    private CkptFsMount(ChildProcess process, string path, bool ownsFolder)
    {
        Process = process;
        Path = path;
        _ownsFolder = ownsFolder;
    }

    /// <summary>Null when FUSE mounts can be made here, else why not (the skip reason).</summary>
    public static string? UnavailableReason => _unavailableReason.Value;

    /// <summary>The `ckptfs mount -f` process (its PID is the serving .NET process: the launcher execs).</summary>
    public ChildProcess Process { get; }

    /// <summary>The mountpoint, an absolute path.</summary>
    public string Path { get; }

    public int Pid => Process.Pid;

    /// <summary>A path inside the mount.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>
    /// Mounts the NameNode at <paramref name="nameNode"/> on a new folder (or on <paramref name="mountpoint"/>,
    /// which the caller then owns) with `ckptfs mount MNT --namenode NN -f EXTRA...`.
    /// </summary>
    public static async Task<CkptFsMount> StartAsync(string nameNode, IEnumerable<string>? extraArguments = null, string? mountpoint = null, IDictionary<string, string>? environment = null)
    {
        var ownsFolder = mountpoint is null;
        var path = mountpoint ?? Directory.CreateTempSubdirectory("ckptfs-mnt-").FullName;
        var process = ChildProcess.Start(RepoPaths.Launcher, ["mount", path, "--namenode", nameNode, "-f", .. extraArguments ?? []], environment);
        var mount = new CkptFsMount(process, path, ownsFolder);
        try
        {
            await mount.WaitMountedAsync(MountWait);
            return mount;
        }
        catch
        {
            mount.Dispose();
            throw;
        }
    }

    /// <summary>The fuse.ckptfs entry of /proc/self/mountinfo at <paramref name="mountpoint"/> (its device minor is the connection number), or null.</summary>
    public static (int Minor, string Type)? MountAt(string mountpoint)
    {
        var wanted = System.IO.Path.GetFullPath(mountpoint).TrimEnd('/');
        (int, string)? found = null;
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length > 4 && separator > 4 && separator + 1 < fields.Length && Unescape(fields[4]) == wanted)
            {
                found = (int.Parse(fields[2].Split(':')[1], CultureInfo.InvariantCulture), fields[separator + 1]);
            }
        }
        return found;
    }

    public static bool IsMounted(string mountpoint) => MountAt(mountpoint) is { Type: FileSystemType };

    /// <summary>Waits (bounded) until the kernel shows the mount; fails with the process's output when it does not come or the process ends.</summary>
    public async Task WaitMountedAsync(TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!IsMounted(Path))
        {
            if (Process.HasExited)
            {
                await Process.WaitForExitAsync(TimeSpan.FromSeconds(5));
                throw new InvalidOperationException($"ckptfs mount {Path} exited ({Process.ExitCode}) before the mount appeared.\nstdout:\n{Process.Stdout}\nstderr:\n{Process.Stderr}");
            }
            if (stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException($"No fuse.ckptfs mount at {Path} within {timeout.TotalSeconds:0} s.\nstdout:\n{Process.Stdout}\nstderr:\n{Process.Stderr}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM to the mount process, then waits (bounded) for it to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        Process.Signal(15);
        return await Process.WaitForExitAsync(timeout);
    }

    /// <summary>kill -9 of the mount process: the mount stays behind, dead ("Transport endpoint is not connected").</summary>
    public void KillDash9() => Process.Kill();

    /// <summary>Unmounts whatever is left at <paramref name="mountpoint"/>, never hanging: fusermount3 -u -z, then the connection's abort switch.</summary>
    public static void ForceUnmount(string mountpoint)
    {
        if (MountAt(mountpoint) is null)
        {
            return;
        }
        RunBounded("fusermount3", ["-u", "-z", mountpoint], TimeSpan.FromSeconds(10));
        if (MountAt(mountpoint) is { } left)
        {
            Abort(left.Minor);
            RunBounded("fusermount3", ["-u", "-z", mountpoint], TimeSpan.FromSeconds(10));
            if (MountAt(mountpoint) is not null)
            {
                RunBounded("umount", ["-l", mountpoint], TimeSpan.FromSeconds(10));
            }
        }
    }

    /// <summary>1 into /sys/fs/fuse/connections/N/abort: every call waiting on the connection fails at once.</summary>
    public static void Abort(int connection)
    {
        try
        {
            File.WriteAllText($"/sys/fs/fuse/connections/{connection}/abort", "1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        try
        {
            if (!Process.HasExited)
            {
                Process.Signal(15);
                var stopwatch = Stopwatch.StartNew();
                while (!Process.HasExited && stopwatch.Elapsed < StopWait)
                {
                    Thread.Sleep(50);
                }
            }
            if (!Process.HasExited && MountAt(Path) is { } stuck)
            {
                // Abort first: a process blocked in a call of its own mount would not die from kill -9 alone.
                Abort(stuck.Minor);
            }
            Process.Dispose();   // kill -9 (by PID) if still running
            ForceUnmount(Path);
        }
        finally
        {
            if (_ownsFolder && MountAt(Path) is null)
            {
                try
                {
                    Directory.Delete(Path, recursive: false);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    /// <summary>A tool run to completion within <paramref name="timeout"/> (killed after); returns its exit code and output.</summary>
    public static (int ExitCode, string Output) RunBounded(string tool, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            using var process = System.Diagnostics.Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
                return (-1, $"{tool} did not finish within {timeout.TotalSeconds:0} s");
            }
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{tool}: {e.Message}");
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "FUSE mounts need Linux";
        }
        if (!File.Exists("/dev/fuse"))
        {
            return "no /dev/fuse here (a container without --device /dev/fuse?)";
        }
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Any(d => File.Exists(System.IO.Path.Combine(d, "fusermount3")));
        return found ? null : "fusermount3 is not installed (Debian: apt-get install fuse3)";
    }

    private static string Unescape(string field) =>
        OctalEscape().Replace(field, m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());

    [GeneratedRegex(@"\\([0-7]{3})")]
    private static partial Regex OctalEscape();
}
