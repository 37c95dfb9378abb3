using System.CommandLine;
using CkptFS.Cli.Paths;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands;

internal static class MvCommand
{
    public static Command Create()
    {
        var force = new Option<bool>("-f", "--force") { Description = "Replace an existing file at the destination." };
        var paths = RemotePath.Many("paths", "SOURCE... DESTINATION: one source to a new name, or sources into an existing directory.", new ArgumentArity(2, 100_000));
        var command = new Command("mv", "Rename or move files and directories (atomic, whole directories included).") { force, paths };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var all = result.GetRequiredValue(paths);
            var destination = all[^1];
            if (all.Length > 2 && (await client.TryGetFileInfoAsync(destination, cancellationToken))?.Type != FileType.Directory)
            {
                throw new CkptFsException(ErrorCode.NotADirectory, $"Cannot move {all.Length - 1} entries to {destination}: it is not an existing directory.");
            }
            foreach (var source in all[..^1])
            {
                await client.RenameAsync(source, destination, result.GetValue(force), cancellationToken);
            }
            return 0;
        });
        return command;
    }
}
