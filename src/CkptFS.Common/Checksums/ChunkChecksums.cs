using System.Buffers.Binary;

namespace CkptFS.Common.Checksums;

/// <summary>
/// One CRC-32C per chunk of <c>bytesPerChecksum</c> data bytes (the last chunk may be short), stored
/// as big-endian u32s back to back: the layout of a packet's checksum section and of a meta file.
/// </summary>
public static class ChunkChecksums
{
    /// <summary>Bytes of one stored checksum.</summary>
    public const int ChecksumSize = sizeof(uint);

    /// <summary>Chunks that cover <paramref name="dataLength"/> bytes.</summary>
    public static int ChunkCount(long dataLength, int bytesPerChecksum) =>
        checked((int)((dataLength + bytesPerChecksum - 1) / bytesPerChecksum));

    /// <summary>Bytes of checksums that cover <paramref name="dataLength"/> bytes.</summary>
    public static int ChecksumBytes(long dataLength, int bytesPerChecksum) => ChunkCount(dataLength, bytesPerChecksum) * ChecksumSize;

    /// <summary>Writes the checksum of each chunk of <paramref name="data"/> into <paramref name="checksums"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> data, int bytesPerChecksum, Span<byte> checksums)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bytesPerChecksum, 0);
        var chunks = ChunkCount(data.Length, bytesPerChecksum);
        if (checksums.Length < chunks * ChecksumSize)
        {
            throw new ArgumentException($"{chunks} chunks need {chunks * ChecksumSize} checksum bytes, got {checksums.Length}.", nameof(checksums));
        }

        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var start = chunk * bytesPerChecksum;
            var crc = Crc32C.Compute(data.Slice(start, Math.Min(bytesPerChecksum, data.Length - start)));
            BinaryPrimitives.WriteUInt32BigEndian(checksums.Slice(chunk * ChecksumSize), crc);
        }
    }

    /// <summary>
    /// Checks each chunk of <paramref name="data"/> against <paramref name="checksums"/>; returns the
    /// index of the first chunk whose CRC differs, or -1 when all match. Missing checksums count as bad.
    /// </summary>
    public static int Verify(ReadOnlySpan<byte> data, int bytesPerChecksum, ReadOnlySpan<byte> checksums)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bytesPerChecksum, 0);
        var chunks = ChunkCount(data.Length, bytesPerChecksum);
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            if ((chunk + 1) * ChecksumSize > checksums.Length)
            {
                return chunk;
            }

            var start = chunk * bytesPerChecksum;
            var crc = Crc32C.Compute(data.Slice(start, Math.Min(bytesPerChecksum, data.Length - start)));
            if (crc != BinaryPrimitives.ReadUInt32BigEndian(checksums.Slice(chunk * ChecksumSize)))
            {
                return chunk;
            }
        }

        return -1;
    }
}
