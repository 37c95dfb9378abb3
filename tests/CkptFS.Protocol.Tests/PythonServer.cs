using System.Diagnostics;
using System.Globalization;

namespace CkptFS.Protocol.Tests;

/// <summary>python/interop_server.py as a child process; killed by PID on dispose.</summary>
internal sealed class PythonServer : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PythonServer(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => _port.TrySetException(new InvalidOperationException("the python server exited: " + Output));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    public static async Task<(PythonServer Server, string Address)> StartAsync(PythonFixture python)
    {
        var process = Process.Start(PythonFixture.StartInfo(python.Script("interop_server.py"), python.StubsDir))
            ?? throw new InvalidOperationException("cannot start the python server");
        var server = new PythonServer(process);
        try
        {
            var port = await server._port.Task.WaitAsync(PythonFixture.ProcessTimeout);
            return (server, $"127.0.0.1:{port}");
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>The first output line that starts with the prefix, without it; null if none yet.</summary>
    public string? FindLine(string prefix)
    {
        lock (_lines)
        {
            var line = _lines.Find(l => l.StartsWith(prefix, StringComparison.Ordinal));
            return line?[prefix.Length..];
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        if (line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            _port.TrySetResult(int.Parse(line.AsSpan(5), CultureInfo.InvariantCulture));
        }
    }
}
