using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CkptFS.Cli.Output;
using CkptFS.Cli.Transfers;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands;

/// <summary>
/// <c>ckptfs quota</c>: directory quotas as HDFS's dfsadmin -setQuota/-setSpaceQuota/-clrQuota/
/// -clrSpaceQuota and <c>hdfs dfs -count -q</c>. The namespace quota counts files and directories
/// below the directory, itself included; the space quota bytes × replication, a block being written
/// counted at its full block size. Its columns are also what <c>du</c> shows for a directory with a quota.
/// </summary>
internal static class QuotaCommand
{
    public static Command Create()
    {
        var human = new Option<bool>("-h", "--human-readable") { Description = "Sizes as KiB, MiB, GiB." };
        var json = CliOptions.Json();
        var paths = new Argument<string[]>("path") { Description = "Directories to show.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("quota", "Show, set or clear directory quotas (files and directories; bytes × replication).") { human, json, paths };
        command.Subcommands.Add(CreateSet());
        command.Subcommands.Add(CreateClear());
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var rows = new List<(string Path, GetContentSummaryResponse Summary)>();
            foreach (var path in result.GetRequiredValue(paths))
            {
                rows.Add((path, await client.GetQuotaAsync(path, cancellationToken)));
            }
            if (result.GetValue(json))
            {
                await JsonOutput.WriteAsync(writer => WriteJson(writer, rows), cancellationToken);
                return 0;
            }
            var format = SizeFormat(result.GetValue(human));
            Console.WriteLine($"{"QUOTA",10} {"REM_QUOTA",10} {"SPACE_QUOTA",12} {"REM_SPACE_QUOTA",15} {"DIR_COUNT",10} {"FILE_COUNT",10} {"CONTENT_SIZE",12} PATHNAME");
            foreach (var (path, s) in rows)
            {
                Console.WriteLine($"{Columns(s, format)} {s.DirectoryCount,10} {s.FileCount,10} {format(s.Length),12} {path}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>QUOTA, REM_QUOTA, SPACE_QUOTA, REM_SPACE_QUOTA as <c>hdfs dfs -count -q</c> prints them ("none" and "inf" when unset).</summary>
    public static string Columns(GetContentSummaryResponse s, Func<ulong, string> format)
    {
        var files = s.NamespaceQuota == 0 ? ("none", "inf") : (Count(s.NamespaceQuota), Remaining(s.NamespaceQuota, s.FileCount + s.DirectoryCount, n => Count(n)));
        var space = s.SpaceQuota == 0 ? ("none", "inf") : (format(s.SpaceQuota), Remaining(s.SpaceQuota, s.SpaceQuotaConsumed, format));
        return $"{files.Item1,10} {files.Item2,10} {space.Item1,12} {space.Item2,15}";
    }

    public static bool HasQuota(GetContentSummaryResponse s) => s.NamespaceQuota > 0 || s.SpaceQuota > 0;

    /// <summary>The quota fields of a JSON row (null when unset), for <c>quota --json</c> and <c>du --json</c>.</summary>
    public static void WriteJsonFields(Utf8JsonWriter writer, GetContentSummaryResponse s)
    {
        QuotaJson.WriteFields(writer, s.NamespaceQuota, s.FileCount + s.DirectoryCount, s.SpaceQuota, s.SpaceQuotaConsumed);
    }

    public static Func<ulong, string> SizeFormat(bool human) => human ? ByteSize.Format : Count;

    private static Command CreateSet()
    {
        var files = new Option<long?>("--files") { Description = "Namespace quota: files and directories below PATH, PATH itself included." };
        var space = new Option<string?>("--space") { Description = "Space quota in bytes × replication, e.g. 10G (a 1 GiB file at replication 3 takes 3 GiB)." };
        var path = new Argument<string>("path") { Description = "The directory." };
        var command = new Command("set", "Set a directory's quotas; a limit not given is left as it is.") { files, space, path };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var fileLimit = result.GetValue(files);
            var spaceLimit = result.GetValue(space) is { } size ? SizeParser.Parse(size, "--space") : (long?)null;
            if (fileLimit is null && spaceLimit is null)
            {
                throw new ArgumentException("quota set: give --files N, --space SIZE or both.");
            }
            if (fileLimit is <= 0 || spaceLimit is <= 0)
            {
                throw new ArgumentException("quota set: a limit must be positive (use `ckptfs quota clear` to remove one).");
            }
            await client.SetQuotaAsync(result.GetRequiredValue(path), fileLimit, spaceLimit, cancellationToken);
            return 0;
        });
        return command;
    }

    private static Command CreateClear()
    {
        var files = new Option<bool>("--files") { Description = "Clear only the namespace quota." };
        var space = new Option<bool>("--space") { Description = "Clear only the space quota." };
        var path = new Argument<string>("path") { Description = "The directory." };
        var command = new Command("clear", "Remove a directory's quotas (both unless --files or --space).") { files, space, path };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var (clearFiles, clearSpace) = (result.GetValue(files), result.GetValue(space));
            var both = !clearFiles && !clearSpace;
            await client.ClearQuotaAsync(result.GetRequiredValue(path), both || clearFiles, both || clearSpace, cancellationToken);
            return 0;
        });
        return command;
    }

    private static void WriteJson(Utf8JsonWriter writer, List<(string Path, GetContentSummaryResponse Summary)> rows)
    {
        writer.WriteStartArray();
        foreach (var (path, s) in rows)
        {
            writer.WriteStartObject();
            writer.WriteString("path", path);
            WriteJsonFields(writer, s);
            writer.WriteNumber("fileCount", s.FileCount);
            writer.WriteNumber("directoryCount", s.DirectoryCount);
            writer.WriteNumber("length", s.Length);
            writer.WriteNumber("spaceConsumed", s.SpaceConsumed);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>What is left, negative when a lowered limit is below the usage (HDFS prints it so too).</summary>
    private static string Remaining(ulong limit, ulong used, Func<ulong, string> format) =>
        used <= limit ? format(limit - used) : "-" + format(used - limit);

    private static string Count(ulong n) => n.ToString(CultureInfo.InvariantCulture);
}
