namespace CkptFS.Protocol.Grpc;

/// <summary>
/// One custom header or trailer. Keys ending in <c>-bin</c> carry bytes (base64 on the wire, as the
/// gRPC spec says); every other key carries printable ASCII text.
/// </summary>
public sealed class MetadataEntry
{
    internal const string BinarySuffix = "-bin";

    public MetadataEntry(string key, string value)
    {
        Key = NormalizeKey(key);
        ArgumentNullException.ThrowIfNull(value);
        if (IsBinaryKey(Key))
        {
            throw new ArgumentException($"metadata key '{Key}' ends with '-bin' and needs a byte[] value", nameof(key));
        }

        if (!IsPrintableAscii(value))
        {
            throw new ArgumentException($"metadata value of '{Key}' has a non-printable or non-ASCII character; use a '-bin' key for bytes", nameof(value));
        }

        Value = value;
    }

    public MetadataEntry(string key, byte[] valueBytes)
    {
        Key = NormalizeKey(key);
        ArgumentNullException.ThrowIfNull(valueBytes);
        if (!IsBinaryKey(Key))
        {
            throw new ArgumentException($"metadata key '{Key}' carries bytes, so it must end with '-bin'", nameof(key));
        }

        ValueBytes = valueBytes;
    }

    /// <summary>The key, lower case (HTTP/2 header names are lower case).</summary>
    public string Key { get; }

    /// <summary>The text value; null for a binary entry.</summary>
    public string? Value { get; }

    /// <summary>The bytes of a binary (<c>-bin</c>) entry; null for a text entry.</summary>
    public byte[]? ValueBytes { get; }

    public bool IsBinary => ValueBytes is not null;

    /// <summary>The header value as sent: the text, or the bytes in base64.</summary>
    internal string WireValue => ValueBytes is null ? Value! : Convert.ToBase64String(ValueBytes);

    internal static bool IsBinaryKey(string key) => key.EndsWith(BinarySuffix, StringComparison.Ordinal);

    /// <summary>Header values travel as HTTP/2 field values: printable ASCII only (gRPC spec, ASCII-Value).</summary>
    internal static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    internal static bool IsValidKey(string key)
    {
        foreach (var c in key)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.'))
            {
                return false;
            }
        }

        return key.Length > 0;
    }

    public override string ToString() => IsBinary ? $"{Key}: <{ValueBytes!.Length} bytes>" : $"{Key}: {Value}";

    private static string NormalizeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var lower = key.ToLowerInvariant();
        if (!IsValidKey(lower))
        {
            throw new ArgumentException($"metadata key '{key}' is not valid; allowed are a-z, 0-9, '-', '_' and '.'", nameof(key));
        }

        return lower;
    }
}
