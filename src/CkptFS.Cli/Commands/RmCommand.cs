using System.CommandLine;
using CkptFS.Cli.Paths;
using CkptFS.Common;

namespace CkptFS.Cli.Commands;

internal static class RmCommand
{
    public static Command Create()
    {
        var recursive = new Option<bool>("-r", "-R", "--recursive") { Description = "Delete directories and their contents." };
        var force = new Option<bool>("-f", "--force") { Description = "Ignore paths that do not exist." };
        var paths = RemotePath.Many("path", "Files or directories to delete.", ArgumentArity.OneOrMore);
        var command = new Command("rm", "Delete files and directories.") { recursive, force, paths };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            foreach (var path in result.GetRequiredValue(paths))
            {
                try
                {
                    await client.DeleteAsync(path, result.GetValue(recursive), cancellationToken);
                }
                catch (CkptFsException e) when (e.Code == ErrorCode.FileNotFound && result.GetValue(force))
                {
                }
            }
            return 0;
        });
        return command;
    }
}
