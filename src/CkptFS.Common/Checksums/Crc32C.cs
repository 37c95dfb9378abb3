using System.Buffers.Binary;
using System.Numerics;

namespace CkptFS.Common.Checksums;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every data chunk on disk
/// and on the wire. <see cref="BitOperations.Crc32C(uint, ulong)"/> is the hardware instruction
/// (SSE4.2 crc32 on x64, CRC32C* on arm64) with a software fallback; it does one polynomial step
/// and leaves the standard init (0xFFFFFFFF) and final xor to us. Check value: "123456789" → 0xE3069283.
/// </summary>
public static class Crc32C
{
    /// <summary>The CRC-32C of "123456789", which every implementation must produce.</summary>
    public const uint CheckValue = 0xE3069283;

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFF, data);

    /// <summary>
    /// Advances a raw (not yet inverted) CRC state over <paramref name="data"/>: 8-byte words first,
    /// little-endian as the reflected algorithm consumes bytes lowest first, then the tail byte by byte.
    /// </summary>
    public static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        var crc = state;
        var words = data.Length / sizeof(ulong);
        for (var i = 0; i < words; i++)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i * sizeof(ulong))));
        }

        foreach (var value in data.Slice(words * sizeof(ulong)))
        {
            crc = BitOperations.Crc32C(crc, value);
        }

        return crc;
    }
}
