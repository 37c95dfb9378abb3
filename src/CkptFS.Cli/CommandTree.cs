using System.CommandLine;
using System.CommandLine.Help;
using CkptFS.Cli.Commands;
using CkptFS.Cli.Commands.Checkpoints;

namespace CkptFS.Cli;

/// <summary>The `ckptfs` command tree: server roles, then the file system commands, then the shell's helpers.</summary>
public static class CommandTree
{
    public static RootCommand Create()
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
            TokenCommand.Create(),
            OwnershipCommands.Chmod(),
            OwnershipCommands.Chown(),
            OwnershipCommands.Chgrp(),
            ReportCommand.Create(),
            FsckCommand.Create(),
            RecoverLeaseCommand.Create(),
#if !CKPTFS_NATIVE
            MountCommand.Create(),
            UnmountCommand.Create(),
#endif
            CkptCommand.Create(),
            BenchCommand.Create(),
            CompletionCommand.Create(),
        };
#if CKPTFS_NATIVE
        // The servers and mount are not in the Native AOT build: stand-ins, so their names parse (and hand over).
        foreach (var placeholder in Native.JitHandover.Placeholders())
        {
            root.Add(placeholder);
        }
#endif
        root.Add(CliOptions.NameNode);
        root.Add(CliOptions.NameNodeWait);
        root.Add(CliOptions.TlsCa);
        root.Add(CliOptions.Debug);
        UseUnixHelp(root);
        return root;
    }

    /// <summary>
    /// Help from -h and --help only. The library's default also answers /h, /? and -?, so
    /// `ckptfs mkdir /h` printed help and exited 0 having created nothing: a script believed it.
    /// </summary>
    private static void UseUnixHelp(RootCommand root)
    {
        var index = root.Options.IndexOf(root.Options.OfType<HelpOption>().Single());
        root.Options[index] = new HelpOption("--help", "-h") { Recursive = true };
    }
}
