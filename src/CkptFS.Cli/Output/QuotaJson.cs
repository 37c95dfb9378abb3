using System.Text.Json;

namespace CkptFS.Cli.Output;

/// <summary>
/// The quota fields of a JSON row, one shape for `quota --json`, `du --json` and `ls --json`:
/// namespaceQuota, namespaceUsed, spaceQuota, spaceQuotaUsed; a limit not set is null.
/// </summary>
public static class QuotaJson
{
    public static void WriteFields(Utf8JsonWriter writer, ulong namespaceQuota, ulong namespaceUsed, ulong spaceQuota, ulong spaceQuotaUsed)
    {
        WriteLimit(writer, "namespaceQuota", namespaceQuota);
        writer.WriteNumber("namespaceUsed", namespaceUsed);
        WriteLimit(writer, "spaceQuota", spaceQuota);
        writer.WriteNumber("spaceQuotaUsed", spaceQuotaUsed);
    }

    private static void WriteLimit(Utf8JsonWriter writer, string name, ulong limit)
    {
        if (limit == 0)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteNumber(name, limit);
        }
    }
}
