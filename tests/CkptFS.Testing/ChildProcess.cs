using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace CkptFS.Testing;

/// <summary>
/// A process a test started: its stdout lines arrive on a channel (and are kept), stderr is kept
/// for failure messages. Waits are bounded; <see cref="Dispose"/> kills it by PID (SIGKILL) if it
/// still runs, so no test leaves a process behind.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly List<string> _stdoutLines = [];
    private readonly List<string> _stderrLines = [];

    private ChildProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The process's stdin, for a test that feeds it (e.g. `put -` from a pipe it controls).</summary>
    public Stream StandardInput => _process.StandardInput.BaseStream;

    public string Stdout { get { lock (_stdoutLines) { return string.Join('\n', _stdoutLines); } } }

    public string Stderr { get { lock (_stderrLines) { return string.Join('\n', _stderrLines); } } }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                child._stdout.Writer.TryComplete();
                return;
            }
            lock (child._stdoutLines)
            {
                child._stdoutLines.Add(e.Data);
            }
            child._stdout.Writer.TryWrite(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._stderrLines)
                {
                    child._stderrLines.Add(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for a stdout line matching <paramref name="pattern"/>; fails with the process's output when it does not come.</summary>
    public async Task<Match> WaitForLineAsync(Regex pattern, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var line in _stdout.Reader.ReadAllAsync(cancellation.Token))
            {
                var match = pattern.Match(line);
                if (match.Success)
                {
                    return match;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No line matching /{pattern}/ within {timeout.TotalSeconds} s from pid {Pid}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        await WaitForExitAsync(TimeSpan.FromSeconds(5));
        throw new InvalidOperationException($"Process {Pid} ended (exit {ExitCode}) before printing /{pattern}/.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Process {Pid} still running after {timeout.TotalSeconds} s.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        // The process has exited; this overload also waits for the redirected output to be drained.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>kill -9 of this process (and its children), by PID.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Signal(int signal)
    {
        if (!_process.HasExited)
        {
            _ = SysKill(Pid, signal);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
