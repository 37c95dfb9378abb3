using System.CommandLine;
using CkptFS.Cli.Paths;
using System.Text.Json;
using CkptFS.Cli.Output;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands;

/// <summary>`ckptfs fsck`: exits 0 when healthy, 1 when a block is missing or has a corrupt replica.</summary>
internal static class FsckCommand
{
    public static Command Create()
    {
        var json = CliOptions.Json();
        var all = new Option<bool>("--blocks") { Description = "List every block with its replicas, not only unhealthy ones." };
        var path = RemotePath.One("path", "Where to check.", "/");
        var command = new Command("fsck", "Check files, blocks and replicas found against expected; non-zero exit when a block is missing or corrupt.") { json, all, path };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var report = await client.FsckAsync(result.GetRequiredValue(path), result.GetValue(all), cancellationToken);
            if (result.GetValue(json))
            {
                await JsonOutput.WriteAsync(writer => WriteJson(writer, report), cancellationToken);
            }
            else
            {
                Console.Write(Text(report));
            }
            return report.Healthy ? 0 : 1;
        });
        return command;
    }

    private static string Text(FsckResponse report)
    {
        var lines = new List<string>();
        foreach (var block in report.ProblemBlocks)
        {
            var where = string.Join(", ", block.Locations.Select(l => $"{l.Host}:{l.TransferPort}"));
            var corrupt = block.CorruptLocations.Count == 0 ? string.Empty : $"; corrupt on {string.Join(", ", block.CorruptLocations.Select(l => $"{l.Host}:{l.TransferPort}"))}";
            lines.Add($"{block.Path} blk_{block.Block.BlockId}_{block.Block.GenerationStamp} len={block.Block.NumBytes}: {block.LiveReplicas}/{block.ExpectedReplicas} live replicas [{where}]{corrupt}");
        }
        if (lines.Count > 0)
        {
            lines.Add(string.Empty);
        }
        lines.Add($"Status: {(report.Healthy ? "HEALTHY" : "CORRUPT")}");
        lines.Add($" Files: {report.Files + report.OpenFiles} ({report.OpenFiles} open for write), directories: {report.Directories}, bytes: {report.TotalBytes} ({ByteSize.Format(report.TotalBytes)})");
        lines.Add($" Blocks: {report.Blocks} total, {report.HealthyBlocks} healthy, {report.UnderReplicatedBlocks} under-replicated, {report.MissingBlocks} missing, {report.CorruptBlocks} with corrupt replicas");
        return string.Join('\n', lines) + "\n";
    }

    private static void WriteJson(Utf8JsonWriter json, FsckResponse report)
    {
        json.WriteStartObject();
        json.WriteBoolean("healthy", report.Healthy);
        json.WriteNumber("files", report.Files);
        json.WriteNumber("directories", report.Directories);
        json.WriteNumber("openFiles", report.OpenFiles);
        json.WriteNumber("totalBytes", report.TotalBytes);
        json.WriteNumber("blocks", report.Blocks);
        json.WriteNumber("healthyBlocks", report.HealthyBlocks);
        json.WriteNumber("underReplicatedBlocks", report.UnderReplicatedBlocks);
        json.WriteNumber("missingBlocks", report.MissingBlocks);
        json.WriteNumber("corruptBlocks", report.CorruptBlocks);
        json.WriteStartArray("problemBlocks");
        foreach (var block in report.ProblemBlocks)
        {
            json.WriteStartObject();
            json.WriteString("path", block.Path);
            json.WriteNumber("blockId", block.Block.BlockId);
            json.WriteNumber("generationStamp", block.Block.GenerationStamp);
            json.WriteNumber("length", block.Block.NumBytes);
            json.WriteNumber("expectedReplicas", block.ExpectedReplicas);
            json.WriteNumber("liveReplicas", block.LiveReplicas);
            json.WriteNumber("corruptReplicas", block.CorruptReplicas);
            BlockLocationsJson.WriteNodes(json, "locations", block.Locations);
            BlockLocationsJson.WriteNodes(json, "corruptLocations", block.CorruptLocations);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
