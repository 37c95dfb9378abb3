using System.CommandLine;
using CkptFS.Cli.Commands;
using CkptFS.Cli.Commands.Checkpoints;
using CkptFS.Common;
using CkptFS.Common.Faults;

namespace CkptFS.Cli;

/// <summary>The `ckptfs` command tree: server roles, then the file system commands.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("CkptFS: a replicated filesystem for model checkpoints.")
        {
#if !CKPTFS_NATIVE
            NameNodeCommand.Create(),
            DataNodeCommand.Create(),
#endif
            ClusterCommand.Create(),
            PutCommand.Create(),
            GetCommand.Create(),
            CatCommand.Create(),
            MkdirCommand.Create(),
            TouchCommand.Create(),
            LsCommand.Create(),
            StatCommand.Create(),
            MvCommand.Create(),
            RmCommand.Create(),
            DuCommand.Create(),
            QuotaCommand.Create(),
            ReportCommand.Create(),
            FsckCommand.Create(),
            RecoverLeaseCommand.Create(),
#if !CKPTFS_NATIVE
            MountCommand.Create(),
            UnmountCommand.Create(),
#endif
            CkptCommand.Create(),
            BenchCommand.Create(),
        };
#if CKPTFS_NATIVE
        foreach (var placeholder in Native.JitHandover.Placeholders())
        {
            root.Add(placeholder);
        }
#endif
        root.Add(CliOptions.NameNode);
        root.Add(CliOptions.NameNodeWait);
        // On SIGINT/SIGTERM the command's token is cancelled and it gets this long to finish before the
        // process is ended: long enough for a mount to complete its open files and unmount.
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(45) };
        try
        {
            // Tests arm fault points in child processes through CKPTFS_FAULTS; unset, nothing is armed.
            var parsed = root.Parse(args);
#if CKPTFS_NATIVE
            // The fast path (Native AOT) runs the short metadata commands; the rest replace this process
            // with the ReadyToRun build before anything is printed or armed.
            if (!Native.JitHandover.RunsNatively(parsed))
            {
                return Native.JitHandover.Exec(args);
            }
#endif
            FaultPoints.ArmFromEnvironment();
            return await parsed.InvokeAsync(configuration);
        }
        catch (CkptFsException e)
        {
            return CliErrors.Report(e);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("ckptfs: cancelled.");
            return 130;
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"ckptfs: {e.Message}");
            return 2;
        }
    }
}
