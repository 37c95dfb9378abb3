using System.CommandLine;
using CkptFS.Cli.Paths;
using CkptFS.Common;

namespace CkptFS.Cli.Commands;

internal static class TouchCommand
{
    public static Command Create()
    {
        var force = new Option<bool>("-f", "--force") { Description = "Replace an existing non-empty file with an empty one." };
        var paths = RemotePath.Many("path", "Files to create.", ArgumentArity.OneOrMore);
        var command = new Command("touch", "Create empty files (an existing empty file is left as it is, as HDFS touchz).") { force, paths };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            foreach (var path in result.GetRequiredValue(paths))
            {
                var existing = await client.TryGetFileInfoAsync(path, cancellationToken);
                if (existing is { Length: 0, UnderConstruction: false } && existing.Type == Protocol.V1.FileType.File)
                {
                    continue;
                }
                if (existing is not null && !result.GetValue(force))
                {
                    throw new CkptFsException(ErrorCode.FileAlreadyExists,
                        $"Cannot touch {path}: it exists{(existing.Type == Protocol.V1.FileType.File ? $" with {existing.Length} bytes (use -f to replace it)" : " as a directory")}.");
                }
                await client.CreateEmptyFileAsync(path, overwrite: existing is not null, cancellationToken: cancellationToken);
            }
            return 0;
        });
        return command;
    }
}
