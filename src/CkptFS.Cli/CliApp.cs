using System.CommandLine;
using CkptFS.Cli.Parsing;
using CkptFS.Common.Faults;

namespace CkptFS.Cli;

/// <summary>
/// Runs one `ckptfs` command as a Unix tool: usage errors are one line and exit 2, failures one line
/// with the README's exit code, SIGINT/SIGTERM cancel the command (which cleans up) and exit 130/143.
/// </summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = CommandTree.Create();
        // No response files: `ckptfs put @weights /x` names a local file, not a list of arguments.
        var result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
#if CKPTFS_NATIVE
        // The fast path (Native AOT) runs the short metadata commands; the rest, and every command line
        // with a usage problem, replace this process with the ReadyToRun build before anything is printed.
        if (!Native.JitHandover.RunsNatively(result) || UsageCheck.Problem(result) is not null)
        {
            return Native.JitHandover.Exec(args);
        }
#endif
        if (UsageCheck.Problem(result) is { } problem)
        {
            return UsageCheck.Report(result, problem);
        }
        var debug = result.GetValue(CliOptions.Debug);
        // The command's own token carries the signal; a second signal ends the process at once.
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        using var signals = new SignalCancellation();
        try
        {
            // Tests arm fault points in child processes through CKPTFS_FAULTS; unset, nothing is armed.
            FaultPoints.ArmFromEnvironment();
            var exitCode = await result.InvokeAsync(configuration, signals.Token);
            return exitCode != 0 && signals.Received is { } signal ? signals.ExitCode(signal) : exitCode;
        }
        catch (Exception e) when (signals.Received is { } signal)
        {
            CliErrors.ReportDebug(e, debug);
            await Console.Error.WriteLineAsync($"ckptfs: interrupted by {signal}.");
            return signals.ExitCode(signal);
        }
        catch (Exception e)
        {
            return CliErrors.Report(e, debug);
        }
    }
}
