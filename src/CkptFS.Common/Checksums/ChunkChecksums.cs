using System.Buffers.Binary;
using System.Numerics;

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

        var chunk = 0;
        for (; chunk + Interleaved <= chunks && (chunk + Interleaved) * bytesPerChecksum <= data.Length; chunk += Interleaved)
        {
            var (a, b, c) = ComputeThree(data.Slice(chunk * bytesPerChecksum, Interleaved * bytesPerChecksum), bytesPerChecksum);
            BinaryPrimitives.WriteUInt32BigEndian(checksums.Slice(chunk * ChecksumSize), a);
            BinaryPrimitives.WriteUInt32BigEndian(checksums.Slice((chunk + 1) * ChecksumSize), b);
            BinaryPrimitives.WriteUInt32BigEndian(checksums.Slice((chunk + 2) * ChecksumSize), c);
        }

        for (; chunk < chunks; chunk++)
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
        var chunk = 0;
        for (; chunk + Interleaved <= chunks && (chunk + Interleaved) * bytesPerChecksum <= data.Length && (chunk + Interleaved) * ChecksumSize <= checksums.Length; chunk += Interleaved)
        {
            var (a, b, c) = ComputeThree(data.Slice(chunk * bytesPerChecksum, Interleaved * bytesPerChecksum), bytesPerChecksum);
            if (a != BinaryPrimitives.ReadUInt32BigEndian(checksums.Slice(chunk * ChecksumSize))
                || b != BinaryPrimitives.ReadUInt32BigEndian(checksums.Slice((chunk + 1) * ChecksumSize))
                || c != BinaryPrimitives.ReadUInt32BigEndian(checksums.Slice((chunk + 2) * ChecksumSize)))
            {
                break; // the per-chunk loop below names the first bad one
            }
        }

        for (; chunk < chunks; chunk++)
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

    /// <summary>Chunks whose CRCs are computed side by side (see <see cref="ComputeThree"/>).</summary>
    private const int Interleaved = 3;

    /// <summary>
    /// The CRCs of three consecutive whole chunks of <paramref name="chunkBytes"/> each, in one pass.
    /// The crc32 instruction has a latency of 3 cycles and a throughput of 1 per cycle, so one chunk's
    /// chain of dependent steps uses a third of it; three independent chains keep it busy (the same
    /// reason Intel's and Linux's crc32c_pcl interleave three streams, which we get without the
    /// shift-and-combine step because our chunks are checked separately anyway).
    /// </summary>
    private static (uint A, uint B, uint C) ComputeThree(ReadOnlySpan<byte> data, int chunkBytes)
    {
        var first = data[..chunkBytes];
        var second = data.Slice(chunkBytes, chunkBytes);
        var third = data.Slice(2 * chunkBytes, chunkBytes);
        uint a = 0xFFFFFFFF, b = 0xFFFFFFFF, c = 0xFFFFFFFF;
        var words = chunkBytes / sizeof(ulong) * sizeof(ulong);
        for (var at = 0; at < words; at += sizeof(ulong))
        {
            a = BitOperations.Crc32C(a, BinaryPrimitives.ReadUInt64LittleEndian(first[at..]));
            b = BitOperations.Crc32C(b, BinaryPrimitives.ReadUInt64LittleEndian(second[at..]));
            c = BitOperations.Crc32C(c, BinaryPrimitives.ReadUInt64LittleEndian(third[at..]));
        }

        return (~Crc32C.Update(a, first[words..]), ~Crc32C.Update(b, second[words..]), ~Crc32C.Update(c, third[words..]));
    }
}
