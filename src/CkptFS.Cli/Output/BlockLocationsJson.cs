using System.Text.Json;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Output;

/// <summary>Blocks and their replica locations in JSON (stat --json, fsck --json).</summary>
public static class BlockLocationsJson
{
    public static void WriteBlocks(Utf8JsonWriter json, IEnumerable<LocatedBlock> blocks)
    {
        json.WriteStartArray("blocks");
        foreach (var block in blocks)
        {
            json.WriteStartObject();
            json.WriteNumber("blockId", block.Block.BlockId);
            json.WriteNumber("generationStamp", block.Block.GenerationStamp);
            json.WriteNumber("offset", block.Offset);
            json.WriteNumber("length", block.Block.NumBytes);
            json.WriteBoolean("corrupt", block.Corrupt);
            WriteNodes(json, "locations", block.Locations);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    public static void WriteNodes(Utf8JsonWriter json, string name, IEnumerable<DatanodeId> nodes)
    {
        json.WriteStartArray(name);
        foreach (var node in nodes)
        {
            json.WriteStartObject();
            json.WriteString("uuid", node.DatanodeUuid);
            json.WriteString("host", node.Host);
            json.WriteNumber("transferPort", node.TransferPort);
            json.WriteString("location", node.Location);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
