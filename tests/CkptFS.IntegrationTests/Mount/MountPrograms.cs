using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Mount;

/// <summary>The drivers under tests/mount run as child processes with a timeout, with /usr/bin/python3 (torch, numpy).</summary>
internal static class MountPrograms
{
    public const string Python = "/usr/bin/python3";

    public static string Script(string name) => Path.Combine(RepoPaths.Root, "tests", "mount", name);

    /// <summary>Runs a program to its end within <paramref name="timeout"/> (then kill -9); returns its exit code and output.</summary>
    public static async Task<CliResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        using var child = ChildProcess.Start(program, arguments, environment);
        try
        {
            var exitCode = await child.WaitForExitAsync(timeout);
            return new CliResult(exitCode, child.Stdout, child.Stderr);
        }
        catch (TimeoutException e)
        {
            return new CliResult(-1, child.Stdout, $"{child.Stderr}\n{e.Message}");
        }
    }

    public static Task<CliResult> PythonAsync(string script, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null) =>
        RunAsync(Python, [Script(script), .. arguments], timeout, environment);

    /// <summary>Python source run with -c: for one call whose errno or timing a test needs.</summary>
    public static Task<CliResult> PythonCodeAsync(string code, TimeSpan timeout, params string[] arguments) =>
        RunAsync(Python, ["-c", code, .. arguments], timeout);

    /// <summary>Fails with the program's whole output (and the mount's) unless it exited 0.</summary>
    public static void AssertPassed(CliResult result, string what, CkptFsMount? mount = null)
    {
        Assert.True(result.ExitCode == 0,
            $"{what} exited {result.ExitCode}.\nstdout:\n{result.Stdout}\nstderr:\n{result.Stderr}" +
            (mount is null ? string.Empty : $"\nmount stderr:\n{Tail(mount.Process.Stderr)}\nmount stdout:\n{Tail(mount.Process.Stdout)}"));
    }

    public static string Tail(string text, int lines = 40) => string.Join('\n', text.Split('\n').TakeLast(lines));
}
