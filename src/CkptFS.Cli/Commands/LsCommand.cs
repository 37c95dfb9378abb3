using System.CommandLine;
using CkptFS.Cli.Paths;
using CkptFS.Cli.Output;
using CkptFS.Client;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands;

internal static class LsCommand
{
    public static Command Create()
    {
        var recursive = new Option<bool>("-R", "--recursive") { Description = "List subdirectories too." };
        var json = CliOptions.Json();
        var path = RemotePath.One("path", "Directory or file to list (default: your home, as `hdfs dfs -ls`).", ".");
        var command = new Command("ls", "List a directory: mode, replication, owner, group, size, mtime, path.") { recursive, json, path };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var entries = RemoteWalk.Entries(client, result.GetRequiredValue(path), result.GetValue(recursive), cancellationToken);
            if (result.GetValue(json))
            {
                await JsonOutput.WriteAsync(async writer =>
                {
                    writer.WriteStartArray();
                    await foreach (var entry in entries)
                    {
                        FileStatusJson.Write(writer, entry);
                    }
                    writer.WriteEndArray();
                }, cancellationToken);
                return 0;
            }
            await foreach (var entry in entries)
            {
                Console.WriteLine(FileStatusText.Line(entry));
            }
            return 0;
        });
        return command;
    }
}
