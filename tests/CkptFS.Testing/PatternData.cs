using System.Buffers.Binary;

namespace CkptFS.Testing;

/// <summary>
/// Bytes that are a pure function of (seed, offset): a writer process and the test that checks its
/// file agree on any prefix without sharing a buffer or a write size (SplitMix64 of seed and word index).
/// </summary>
public static class PatternData
{
    public static void Fill(int seed, long offset, Span<byte> destination)
    {
        Span<byte> word = stackalloc byte[8];
        for (var i = 0; i < destination.Length;)
        {
            var position = offset + i;
            BinaryPrimitives.WriteUInt64LittleEndian(word, Mix((ulong)seed, (ulong)(position / 8)));
            var from = (int)(position % 8);
            var count = Math.Min(8 - from, destination.Length - i);
            word.Slice(from, count).CopyTo(destination[i..]);
            i += count;
        }
    }

    public static byte[] Bytes(int seed, long offset, int length)
    {
        var bytes = new byte[length];
        Fill(seed, offset, bytes);
        return bytes;
    }

    /// <summary>Index of the first byte of <paramref name="actual"/> that differs from the pattern at <paramref name="offset"/>; -1 when all match.</summary>
    public static long FirstMismatch(int seed, long offset, ReadOnlySpan<byte> actual)
    {
        var expected = new byte[Math.Min(actual.Length, 1 << 20)];
        for (var done = 0; done < actual.Length; done += expected.Length)
        {
            var count = Math.Min(expected.Length, actual.Length - done);
            Fill(seed, offset + done, expected.AsSpan(0, count));
            var at = actual.Slice(done, count).CommonPrefixLength(expected.AsSpan(0, count));
            if (at < count)
            {
                return done + at;
            }
        }
        return -1;
    }

    private static ulong Mix(ulong seed, ulong index)
    {
        var z = (seed * 0x9E3779B97F4A7C15UL) + index + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
