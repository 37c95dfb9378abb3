using System.Diagnostics;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Checkpoints;

/// <summary>A test that needs /usr/bin/python3 with the safetensors and numpy modules; skipped, with the reason, where they are missing.</summary>
public sealed class PythonSafetensorsFactAttribute : FactAttribute
{
    private const string Python = "/usr/bin/python3";
    private static readonly Lazy<string?> Unavailable = new(Probe);

    public PythonSafetensorsFactAttribute()
    {
        if (Unavailable.Value is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>Runs a script (30 s at most) and returns its stdout; fails with its stderr.</summary>
    public static async Task<string> RunAsync(string script)
    {
        using var process = ChildProcess.Start(Python, ["-c", script]);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return exit == 0 ? process.Stdout : throw new InvalidOperationException($"python3 exited {exit}:\n{process.Stderr}");
    }

    private static string? Probe()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is not installed";
        }
        using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import safetensors.numpy, numpy"]) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        return process.WaitForExit(30_000) && process.ExitCode == 0
            ? null
            : $"{Python} has no safetensors/numpy module ({error.Trim().Split('\n').LastOrDefault()}): the cross-check with the reference implementation is skipped";
    }
}
