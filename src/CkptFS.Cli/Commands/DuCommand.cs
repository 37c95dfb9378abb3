using System.CommandLine;
using CkptFS.Cli.Paths;
using System.Globalization;
using CkptFS.Cli.Output;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands;

internal static class DuCommand
{
    public static Command Create()
    {
        var summary = new Option<bool>("-s", "--summary") { Description = "One total for each path instead of one line per entry." };
        var human = new Option<bool>("-h", "--human-readable") { Description = "Sizes as KiB, MiB, GiB." };
        var json = CliOptions.Json();
        var paths = RemotePath.Many("path", "Paths to measure (default: your home, as `hdfs dfs -du`).", ArgumentArity.ZeroOrMore, ["."]);
        var command = new Command("du", "Show bytes, raw space (bytes × replication) and counts below paths.") { summary, human, json, paths };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var rows = new List<(string Path, GetContentSummaryResponse Summary)>();
            foreach (var path in result.GetRequiredValue(paths))
            {
                if (result.GetValue(summary))
                {
                    rows.Add((path, await client.GetContentSummaryAsync(path, cancellationToken)));
                    continue;
                }
                await foreach (var entry in client.ListAsync(path, cancellationToken))
                {
                    rows.Add((entry.Path, await client.GetContentSummaryAsync(entry.Path, cancellationToken)));
                }
            }
            if (result.GetValue(json))
            {
                await JsonOutput.WriteAsync(writer =>
                {
                    writer.WriteStartArray();
                    foreach (var (path, s) in rows)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("path", path);
                        writer.WriteNumber("length", s.Length);
                        writer.WriteNumber("spaceConsumed", s.SpaceConsumed);
                        writer.WriteNumber("fileCount", s.FileCount);
                        writer.WriteNumber("directoryCount", s.DirectoryCount);
                        if (QuotaCommand.HasQuota(s))
                        {
                            QuotaCommand.WriteJsonFields(writer, s);
                        }
                        writer.WriteEndObject();
                    }
                    writer.WriteEndArray();
                }, cancellationToken);
                return 0;
            }
            var format = result.GetValue(human) ? (Func<ulong, string>)ByteSize.Format : (n => n.ToString(CultureInfo.InvariantCulture));
            // Quota columns (hdfs dfs -count -q) only when a row has a quota: du's usual lines stay as they were.
            var quotas = rows.Any(row => QuotaCommand.HasQuota(row.Summary));
            foreach (var (path, s) in rows)
            {
                var prefix = quotas ? QuotaCommand.Columns(s, format) + "  " : string.Empty;
                Console.WriteLine($"{prefix}{format(s.Length),12}  {format(s.SpaceConsumed),12}  {path}");
            }
            return 0;
        });
        return command;
    }
}
