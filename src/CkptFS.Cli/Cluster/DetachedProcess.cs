using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using CkptFS.Common;

namespace CkptFS.Cli.Cluster;

/// <summary>
/// Starts `ckptfs ROLE ...` as a background process that outlives this command: its own session
/// (setsid, so a Ctrl-C here does not reach it), stdin from /dev/null, stdout and stderr appended to
/// a log file. The PID is the server's own (setsid and sh both exec in place), so it can be stopped by PID.
/// </summary>
public static partial class DetachedProcess
{
    /// <param name="environment">Variables set for the process on top of this one's (e.g. CKPTFS_* settings).</param>
    public static int Start(IReadOnlyList<string> ckptfsArguments, string logFile, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false };
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >>\"$CKPTFS_LOG_FILE\" 2>&1");
        info.ArgumentList.Add(Environment.ProcessPath ?? "dotnet");
        info.ArgumentList.Add(CliAssemblyPath());
        foreach (var argument in ckptfsArguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        info.Environment["CKPTFS_LOG_FILE"] = logFile;
        using var process = Process.Start(info) ?? throw new CkptFsException(ErrorCode.Internal, $"Could not start ckptfs {ckptfsArguments[0]}.");
        return process.Id;
    }

    /// <summary>ckptfs.dll, which `dotnet` runs as the server.</summary>
    private static string CliAssemblyPath()
    {
#if CKPTFS_NATIVE
        // Servers run on the JIT build (they host ASP.NET Core and RocksDB): ckptfs-native hands
        // `cluster` to it (JitHandover) before any command runs, so this is never reached there.
        throw new InvalidOperationException("ckptfs-native does not start servers; `cluster` runs on the ReadyToRun build.");
#else
        return typeof(DetachedProcess).Assembly.Location;
#endif
    }

    /// <summary>The log's length now: taken before <see cref="Start"/>, it is where this run's lines begin (logs are appended to across restarts).</summary>
    public static long LogLength(string logFile) => File.Exists(logFile) ? new FileInfo(logFile).Length : 0;

    /// <summary>
    /// Waits until the log, from byte <paramref name="from"/> on (see <see cref="LogLength"/>: an
    /// earlier run's "listening" line names its old ports), shows a line matching <paramref name="ready"/>;
    /// fails with the log's tail if the process dies or time runs out.
    /// </summary>
    public static async Task<Match> WaitForLineAsync(int pid, string logFile, long from, Regex ready, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var text = await ReadFromAsync(logFile, from, cancellationToken);
            var match = ready.Match(text);
            if (match.Success)
            {
                return match;
            }
            if (!IsRunning(pid))
            {
                throw new CkptFsException(ErrorCode.Unavailable, $"Process {pid} exited during start-up. Last lines of {logFile}:\n{Tail(text)}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new CkptFsException(ErrorCode.DeadlineExceeded, $"Process {pid} was not ready after {timeout.TotalSeconds:0} s. Last lines of {logFile}:\n{Tail(text)}");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<string> ReadFromAsync(string logFile, long from, CancellationToken cancellationToken)
    {
        if (!File.Exists(logFile))
        {
            return string.Empty;
        }
        await using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>True while a process with this PID exists and is not a zombie.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            // "pid (comm) STATE ...": comm may hold spaces or parentheses, so read the state after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..];
            return !state.StartsWith('Z') && !state.StartsWith('X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// True while the PID runs a ckptfs process: a PID recorded long ago may have been reused. Only for
    /// processes past start-up (during its exec chain a process's cmdline can briefly read empty).
    /// </summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            return IsRunning(pid) && File.ReadAllText($"/proc/{pid}/cmdline").Contains("ckptfs", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="grace"/>.</summary>
    public static async Task StopAsync(int pid, TimeSpan grace)
    {
        if (!IsAlive(pid))
        {
            return;
        }
        _ = Kill(pid, 15);
        var deadline = DateTime.UtcNow + grace;
        while (IsAlive(pid) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        if (IsAlive(pid))
        {
            _ = Kill(pid, 9);
        }
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(15));

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
