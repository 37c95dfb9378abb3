using System.Diagnostics;

namespace CkptFS.Storage.Tests.Processes;

/// <summary>
/// CkptFS.TestTool running as a child process (its dll is copied next to the tests by the project
/// reference). Disposing kills it by PID if it still runs, so a failed test leaves no writer behind.
/// </summary>
internal sealed class TestToolProcess : IDisposable
{
    private TestToolProcess(Process process)
    {
        Process = process;
        StandardError = process.StandardError.ReadToEndAsync();
    }

    public Process Process { get; }

    /// <summary>Everything the child writes to stderr, complete when it exits (for failure messages).</summary>
    public Task<string> StandardError { get; }

    public static TestToolProcess Start(params string[] arguments)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "CkptFS.TestTool.dll");

        // DOTNET_HOST_PATH is the dotnet that runs these tests: the child uses the same runtime.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(tool);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new TestToolProcess(Process.Start(start) ?? throw new InvalidOperationException("CkptFS.TestTool did not start"));
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
        }

        Process.Dispose();
    }
}
