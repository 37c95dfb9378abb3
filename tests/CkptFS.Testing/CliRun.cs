namespace CkptFS.Testing;

/// <summary>One finished `./ckptfs ...` invocation.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public CliResult EnsureSuccess()
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"ckptfs exited {ExitCode}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        return this;
    }
}

/// <summary>Runs the CLI the way a user does: through the repository's `./ckptfs` launcher.</summary>
public static class CliRun
{
    /// <summary>
    /// Runs `./ckptfs ARGUMENTS`; with <paramref name="useShell"/>, ARGUMENTS is a whole command line
    /// for /bin/sh (["sh", "-c", "..."]) run from the repository root, for pipes and redirections.
    /// </summary>
    public static async Task<CliResult> RunAsync(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, TimeSpan? timeout = null, bool useShell = false)
    {
        var list = arguments.ToList();
        using var child = useShell
            ? ChildProcess.Start(list[0], list.Skip(1), environment)
            : ChildProcess.Start(RepoPaths.Launcher, list, environment);
        var exitCode = await child.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(120));
        return new CliResult(exitCode, child.Stdout, child.Stderr);
    }
}
