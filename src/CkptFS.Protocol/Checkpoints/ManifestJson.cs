using CkptFS.Common;
using CkptFS.Protocol.V1;
using Google.Protobuf;

namespace CkptFS.Protocol.Checkpoints;

/// <summary>
/// A checkpoint manifest as JSON: the form the NameNode stores and `ckptfs ckpt show --json` prints.
/// It is protobuf's canonical JSON mapping of <see cref="CheckpointManifest"/> (camelCase names,
/// 64-bit numbers as strings), so any protobuf library reads it back, and fields added later stay
/// readable by older code (unknown fields are ignored).
/// </summary>
public static class ManifestJson
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static string Format(CheckpointManifest manifest) => Formatter.Format(manifest);

    public static CheckpointManifest Parse(string json)
    {
        try
        {
            return Parser.Parse<CheckpointManifest>(json);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            throw new CkptFsException(ErrorCode.StorageCorrupt, $"A stored checkpoint manifest is not valid JSON: {e.Message}", e);
        }
    }
}
