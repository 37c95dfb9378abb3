using System.Globalization;
using System.Text.Json;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Output;

/// <summary>
/// The JSON shape of a file status in `ls --json` and `stat --json`: camelCase, numbers as numbers,
/// times as ISO 8601 UTC, permission as an octal string. Scripts depend on it: add fields, never rename.
/// </summary>
public static class FileStatusJson
{
    public static void Write(Utf8JsonWriter json, FileStatus status, IEnumerable<LocatedBlock>? blocks = null)
    {
        json.WriteStartObject();
        json.WriteString("path", status.Path);
        json.WriteString("type", status.Type == FileType.Directory ? "directory" : "file");
        json.WriteNumber("inodeId", status.InodeId);
        json.WriteNumber("length", status.Length);
        if (status.Type == FileType.File)
        {
            json.WriteNumber("replication", status.Replication);
            json.WriteNumber("blockSize", status.BlockSize);
            json.WriteNumber("blockCount", status.BlockCount);
            json.WriteBoolean("underConstruction", status.UnderConstruction);
            if (status.UnderConstruction)
            {
                json.WriteString("leaseHolder", status.LeaseHolder);
            }
        }
        else
        {
            json.WriteNumber("childrenCount", status.ChildrenCount);
            if (status.Quota is { } quota)
            {
                // As `quota --json`: null is no limit of that kind.
                json.WriteStartObject("quota");
                QuotaJson.WriteFields(json, quota.NamespaceQuota, quota.NamespaceUsed, quota.SpaceQuota, quota.SpaceQuotaUsed);
                json.WriteEndObject();
            }
        }
        json.WriteString("modificationTime", DateTimeOffset.FromUnixTimeMilliseconds(status.ModificationTimeMs).UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("owner", status.Owner);
        json.WriteString("group", status.Group);
        json.WriteString("permission", Convert.ToString(status.Permission, 8).PadLeft(4, '0'));
        if (blocks is not null)
        {
            BlockLocationsJson.WriteBlocks(json, blocks);
        }
        json.WriteEndObject();
    }
}
