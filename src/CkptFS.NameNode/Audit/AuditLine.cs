using System.Text.Json;
using CkptFS.Common;

namespace CkptFS.NameNode.Audit;

/// <summary>
/// The audit line's format, one JSON object per line, fields always in this order:
/// time (UTC, ISO 8601, milliseconds), user, client (address:port), cmd (the RPC), src, dst (null
/// when the call has none), allowed; a refused or failed call adds error (the ErrorCode name) and
/// code (its number, as in the ckptfs-error-code trailer).
/// </summary>
internal static class AuditLine
{
    public static void Write(Utf8JsonWriter json, in AuditEvent audit)
    {
        json.WriteStartObject();
        json.WriteString("time"u8, audit.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("user"u8, audit.User);
        json.WriteString("client"u8, audit.Client);
        json.WriteString("cmd"u8, audit.Command);
        json.WriteString("src"u8, audit.Source);
        json.WriteString("dst"u8, audit.Destination);
        json.WriteBoolean("allowed"u8, audit.Allowed);
        if (audit.Error != ErrorCode.None)
        {
            json.WriteString("error"u8, audit.Error.ToString());
            json.WriteNumber("code"u8, (int)audit.Error);
        }
        json.WriteEndObject();
    }
}
