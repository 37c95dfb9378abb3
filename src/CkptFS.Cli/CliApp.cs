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
            NameNodeCommand.Create(),
            DataNodeCommand.Create(),
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
            ReportCommand.Create(),
            FsckCommand.Create(),
            RecoverLeaseCommand.Create(),
            MountCommand.Create(),
            UnmountCommand.Create(),
            CkptCommand.Create(),
            BenchCommand.Create(),
        };
        root.Add(CliOptions.NameNode);
        root.Add(CliOptions.NameNodeWait);
        // On SIGINT/SIGTERM the command's token is cancelled and it gets this long to finish before the
        // process is ended: long enough for a mount to complete its open files and unmount.
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(45) };
        try
        {
            // Tests arm fault points in child processes through CKPTFS_FAULTS; unset, nothing is armed.
            FaultPoints.ArmFromEnvironment();
            return await root.Parse(args).InvokeAsync(configuration);
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
