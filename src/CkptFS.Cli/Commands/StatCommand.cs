using System.CommandLine;
using CkptFS.Cli.Paths;
using System.Globalization;
using CkptFS.Cli.Output;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands;

internal static class StatCommand
{
    public static Command Create()
    {
        var json = CliOptions.Json();
        var paths = RemotePath.Many("path", "Files or directories.", ArgumentArity.OneOrMore);
        var command = new Command("stat", "Show a file's or directory's attributes.") { json, paths };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var statuses = new List<FileStatus>();
            var blocks = new List<IEnumerable<LocatedBlock>?>();
            foreach (var path in result.GetRequiredValue(paths))
            {
                var status = await client.GetFileInfoAsync(path, cancellationToken);
                statuses.Add(status);
                blocks.Add(status.Type == FileType.File ? (await client.GetBlockLocationsAsync(path, cancellationToken)).Blocks : null);
            }
            if (result.GetValue(json))
            {
                await JsonOutput.WriteAsync(writer =>
                {
                    if (statuses.Count == 1)
                    {
                        FileStatusJson.Write(writer, statuses[0], blocks[0]);
                        return;
                    }
                    writer.WriteStartArray();
                    for (var i = 0; i < statuses.Count; i++)
                    {
                        FileStatusJson.Write(writer, statuses[i], blocks[i]);
                    }
                    writer.WriteEndArray();
                }, cancellationToken);
                return 0;
            }
            foreach (var status in statuses)
            {
                Console.Write(Describe(status));
            }
            return 0;
        });
        return command;
    }

    private static string Describe(FileStatus status)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(status.ModificationTimeMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var lines = new List<string>
        {
            $"  Path: {status.Path}",
            $"  Type: {(status.Type == FileType.Directory ? "directory" : "file")}   Inode: {status.InodeId}",
        };
        lines.Add(status.Type == FileType.File
            ? $"  Size: {status.Length} bytes   Replication: {status.Replication}   Block size: {status.BlockSize} bytes   Blocks: {status.BlockCount}"
            : $"  Entries: {status.ChildrenCount}");
        if (status.UnderConstruction)
        {
            lines.Add($"  Open for write by: {status.LeaseHolder}");
        }
        lines.Add($"  Mode: {Convert.ToString(status.Permission, 8).PadLeft(4, '0')} ({FileStatusText.Mode(status.Permission)})   Owner: {status.Owner}   Group: {status.Group}");
        lines.Add($"  Modified: {time}");
        return string.Join('\n', lines) + "\n";
    }
}
