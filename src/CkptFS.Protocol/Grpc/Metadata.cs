using System.Collections;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// Custom headers or trailers of a call, in order, keys repeatable. Not thread-safe: a call's
/// metadata belongs to the code handling that call.
/// </summary>
public sealed class Metadata : IReadOnlyList<MetadataEntry>
{
    private readonly List<MetadataEntry> _entries = [];

    public int Count => _entries.Count;

    public MetadataEntry this[int index] => _entries[index];

    public Metadata Add(string key, string value)
    {
        _entries.Add(new MetadataEntry(key, value));
        return this;
    }

    public Metadata Add(string key, byte[] valueBytes)
    {
        _entries.Add(new MetadataEntry(key, valueBytes));
        return this;
    }

    public Metadata Add(MetadataEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _entries.Add(entry);
        return this;
    }

    /// <summary>The first entry with this key, or null.</summary>
    public MetadataEntry? Get(string key)
    {
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>The text of the first entry with this key, or null.</summary>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <summary>The bytes of the first binary entry with this key, or null.</summary>
    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    public IEnumerator<MetadataEntry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Adds a header as received. A <c>-bin</c> value is base64, padded or not (the spec allows
    /// both). A header that is not valid metadata (an odd key, a non-ASCII value, bad base64) is
    /// skipped: it is some peer's own header, not a reason to fail the call.
    /// </summary>
    internal void AddFromWire(string key, string value)
    {
        if (!MetadataEntry.IsValidKey(key))
        {
            return;
        }

        if (!MetadataEntry.IsBinaryKey(key))
        {
            if (MetadataEntry.IsPrintableAscii(value))
            {
                _entries.Add(new MetadataEntry(key, value));
            }

            return;
        }

        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var padded = (part.Length % 4) switch
            {
                2 => part + "==",
                3 => part + "=",
                _ => part,
            };
            var bytes = new byte[padded.Length];
            if (Convert.TryFromBase64String(padded, bytes, out var written))
            {
                _entries.Add(new MetadataEntry(key, bytes.AsSpan(0, written).ToArray()));
            }
        }
    }
}
