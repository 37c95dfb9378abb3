using System.Globalization;
using System.Text.RegularExpressions;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>
/// A writer process (CkptFS.TestTool slow-writer) writing <see cref="PatternData"/> of its seed to
/// one file: a training rank a test can kill -9 or SIGSTOP mid-file. Tracks the last length it said
/// every replica acknowledged. Disposing kills it by PID.
/// </summary>
internal sealed partial class SlowWriter : IDisposable
{
    private readonly ChildProcess _process;

    private SlowWriter(ChildProcess process, string path, int seed)
    {
        _process = process;
        Path = path;
        Seed = seed;
    }

    public string Path { get; }

    public int Seed { get; }

    public int Pid => _process.Pid;

    public ChildProcess Process => _process;

    /// <summary>The last "flushed N": bytes every replica acknowledged, which any recovery must keep.</summary>
    public long Flushed => FlushedLine().Matches(_process.Stdout).Select(m => long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    public static SlowWriter Start(string nameNode, string path, int seed, long totalBytes, long flushEvery, int pauseMs, int replication = 3, long blockSize = 0)
    {
        var tool = System.IO.Path.Combine(AppContext.BaseDirectory, "CkptFS.TestTool.dll");
        string[] arguments = [tool, "slow-writer", nameNode, path, Str(seed), Str(totalBytes), Str(flushEvery), Str(pauseMs), Str(replication), Str(blockSize)];
        return new SlowWriter(ChildProcess.Start(System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", arguments), path, seed);
    }

    /// <summary>Waits until it has flushed at least <paramref name="bytes"/>.</summary>
    public async Task WaitFlushedAsync(long bytes, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Flushed < bytes)
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Writer of {Path} flushed {Flushed} of the {bytes} bytes awaited (exited: {_process.HasExited}).\n{_process.Stdout}\n{_process.Stderr}");
            }
            await Task.Delay(50);
        }
    }

    public void Kill() => _process.Kill();

    public void Dispose() => _process.Dispose();

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^flushed (?<n>\d+)$", RegexOptions.Multiline)]
    private static partial Regex FlushedLine();
}
