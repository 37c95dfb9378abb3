using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CkptFS.Cli.Output;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands;

internal static class ReportCommand
{
    public static Command Create()
    {
        var json = CliOptions.Json();
        var command = new Command("report", "Show the cluster: every DataNode (live/stale/maintenance/dead, capacity, used, blocks) and totals.") { json };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var report = await client.GetDatanodeReportAsync(cancellationToken);
            if (result.GetValue(json))
            {
                await JsonOutput.WriteAsync(writer => WriteJson(writer, report), cancellationToken);
                return 0;
            }
            Console.Write(Text(report));
            return 0;
        });
        return command;
    }

    private static string Text(GetDatanodeReportResponse report)
    {
        var nodes = report.Datanodes;
        long capacity = nodes.Sum(n => (long)n.CapacityBytes), used = nodes.Sum(n => (long)n.UsedBytes), remaining = nodes.Sum(n => (long)n.RemainingBytes);
        var lines = new List<string>
        {
            $"Safe mode: {(report.SafeMode ? "ON (reads only until enough blocks are reported)" : "off")}",
            $"Blocks: {report.TotalBlocks} total, {report.MissingBlocks} missing, {report.UnderReplicatedBlocks} under-replicated, {report.CorruptReplicas} corrupt replicas",
            $"DataNodes: {Count(nodes, DatanodeState.Live)} live, {Count(nodes, DatanodeState.Stale)} stale, {Count(nodes, DatanodeState.InMaintenance)} in maintenance, {Count(nodes, DatanodeState.Dead)} dead; " +
                $"capacity {ByteSize.Format(capacity)}, used {ByteSize.Format(used)}, remaining {ByteSize.Format(remaining)}",
            string.Empty,
            $"{"DATANODE",-38} {"ADDRESS",-22} {"STATE",-11} {"CAPACITY",11} {"USED",11} {"REMAINING",11} {"BLOCKS",7} {"XFERS",5} LAST HEARTBEAT",
        };
        foreach (var node in nodes.OrderBy(n => n.Id.DatanodeUuid, StringComparer.Ordinal))
        {
            var seen = node.LastHeartbeatMs == 0 ? "never" : DateTimeOffset.FromUnixTimeMilliseconds(node.LastHeartbeatMs).UtcDateTime.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{node.Id.DatanodeUuid,-38} {node.Id.Host + ":" + node.Id.TransferPort,-22} {StateName(node.State),-11} {ByteSize.Format(node.CapacityBytes),11} {ByteSize.Format(node.UsedBytes),11} {ByteSize.Format(node.RemainingBytes),11} {node.BlockCount,7} {node.TransfersInProgress,5} {seen}"));
        }
        return string.Join('\n', lines) + "\n";
    }

    private static void WriteJson(Utf8JsonWriter json, GetDatanodeReportResponse report)
    {
        json.WriteStartObject();
        json.WriteBoolean("safeMode", report.SafeMode);
        json.WriteNumber("totalBlocks", report.TotalBlocks);
        json.WriteNumber("missingBlocks", report.MissingBlocks);
        json.WriteNumber("underReplicatedBlocks", report.UnderReplicatedBlocks);
        json.WriteNumber("corruptReplicas", report.CorruptReplicas);
        json.WriteStartArray("datanodes");
        foreach (var node in report.Datanodes)
        {
            json.WriteStartObject();
            json.WriteString("uuid", node.Id.DatanodeUuid);
            json.WriteString("host", node.Id.Host);
            json.WriteNumber("transferPort", node.Id.TransferPort);
            json.WriteNumber("httpPort", node.Id.HttpPort);
            json.WriteString("location", node.Id.Location);
            json.WriteString("state", StateName(node.State));
            json.WriteNumber("capacityBytes", node.CapacityBytes);
            json.WriteNumber("usedBytes", node.UsedBytes);
            json.WriteNumber("remainingBytes", node.RemainingBytes);
            json.WriteNumber("blocks", node.BlockCount);
            json.WriteNumber("transfersInProgress", node.TransfersInProgress);
            json.WriteNumber("lastHeartbeatMs", node.LastHeartbeatMs);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static int Count(IEnumerable<DatanodeInfo> nodes, DatanodeState state) => nodes.Count(n => n.State == state);

    internal static string StateName(DatanodeState state) => state switch
    {
        DatanodeState.Live => "live",
        DatanodeState.Stale => "stale",
        DatanodeState.Dead => "dead",
        DatanodeState.InMaintenance => "maintenance",
        _ => "unknown",
    };
}
