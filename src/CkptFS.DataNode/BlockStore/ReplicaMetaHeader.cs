using System.Buffers.Binary;

namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// The header of a replica's meta file (blk_&lt;id&gt;_&lt;genstamp&gt;.meta), followed by one big-endian
/// CRC32C per chunk of the data file: magic "CKMT" | u16 version (1) | u8 checksum type (1 = CRC32C) |
/// u32 bytes per checksum, 11 bytes, big-endian. The magic lets a restart tell a meta file from junk.
/// </summary>
internal static class ReplicaMetaHeader
{
    public const int Size = 11;
    public const uint Magic = 0x434B4D54; // "CKMT"
    public const ushort Version = 1;
    public const byte ChecksumTypeCrc32C = 1;

    public static void Write(Span<byte> destination, int bytesPerChecksum)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Magic);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(4), Version);
        destination[6] = ChecksumTypeCrc32C;
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(7), (uint)bytesPerChecksum);
    }

    /// <summary>The bytes per checksum the header declares, or null with the reason when it is not a valid header.</summary>
    public static int? TryRead(ReadOnlySpan<byte> header, int maxBytesPerChecksum, out string? problem)
    {
        problem = header.Length < Size ? $"{header.Length} bytes, shorter than the {Size}-byte header"
            : BinaryPrimitives.ReadUInt32BigEndian(header) != Magic ? "bad magic"
            : BinaryPrimitives.ReadUInt16BigEndian(header.Slice(4)) != Version ? $"unknown version {BinaryPrimitives.ReadUInt16BigEndian(header.Slice(4))}"
            : header[6] != ChecksumTypeCrc32C ? $"unknown checksum type {header[6]}"
            : null;
        if (problem is not null)
        {
            return null;
        }

        var bytesPerChecksum = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(7));
        if (bytesPerChecksum == 0 || bytesPerChecksum > (uint)maxBytesPerChecksum)
        {
            problem = $"bytes per checksum {bytesPerChecksum} outside 1..{maxBytesPerChecksum}";
            return null;
        }

        return (int)bytesPerChecksum;
    }
}
