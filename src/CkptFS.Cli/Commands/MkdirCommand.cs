using System.CommandLine;
using CkptFS.Cli.Paths;

namespace CkptFS.Cli.Commands;

internal static class MkdirCommand
{
    public static Command Create()
    {
        var parents = new Option<bool>("-p", "--parents") { Description = "Create missing parent directories; an existing directory is not an error." };
        var paths = RemotePath.Many("path", "Directories to create.", ArgumentArity.OneOrMore);
        var command = new Command("mkdir", "Create directories.") { parents, paths };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            foreach (var path in result.GetRequiredValue(paths))
            {
                await client.MkdirsAsync(path, result.GetValue(parents), cancellationToken: cancellationToken);
            }
            return 0;
        });
        return command;
    }
}
