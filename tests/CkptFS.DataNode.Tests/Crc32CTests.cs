using System.Text;
using CkptFS.Common.Checksums;

namespace CkptFS.DataNode.Tests;

public sealed class Crc32CTests
{
    [Fact]
    public void Check_value_of_123456789_is_the_standard_one()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(Crc32C.CheckValue, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Known_vectors_match_rfc3720()
    {
        // RFC 3720 (iSCSI) B.4: 32 bytes of zeros, 32 bytes of 0xFF.
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(511)]
    [InlineData(512)]
    [InlineData(513)]
    [InlineData(65536)]
    [InlineData(100_003)]
    public void Chunk_checksums_verify_and_a_flipped_byte_is_found_in_its_chunk(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var checksums = new byte[ChunkChecksums.ChecksumBytes(length, 512)];
        ChunkChecksums.Compute(data, 512, checksums);
        Assert.Equal(-1, ChunkChecksums.Verify(data, 512, checksums));
        if (length == 0)
        {
            return;
        }

        var flipped = length * 2 / 3;
        data[flipped] ^= 0x10;
        Assert.Equal(flipped / 512, ChunkChecksums.Verify(data, 512, checksums));
    }

    [Fact]
    public void Missing_checksums_count_as_bad()
    {
        var data = new byte[1024];
        var checksums = new byte[8];
        ChunkChecksums.Compute(data, 512, checksums);
        Assert.Equal(1, ChunkChecksums.Verify(data, 512, checksums.AsSpan(0, 4)));
    }

    /// <summary>Three chunks are computed side by side (ChunkChecksums.ComputeThree): each must equal its own CRC, whatever its place in a group of three and whatever the chunk size.</summary>
    [Theory]
    [InlineData(512, 512 * 7)]
    [InlineData(512, (512 * 9) + 100)]
    [InlineData(100, 1000)]
    [InlineData(4096, 4096 * 6)]
    [InlineData(7, 7 * 3)]
    public void Interleaved_chunk_checksums_equal_one_chunk_at_a_time_and_find_the_first_bad_chunk(int bytesPerChecksum, int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var checksums = new byte[ChunkChecksums.ChecksumBytes(length, bytesPerChecksum)];
        ChunkChecksums.Compute(data, bytesPerChecksum, checksums);
        var chunks = ChunkChecksums.ChunkCount(length, bytesPerChecksum);
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var start = chunk * bytesPerChecksum;
            Assert.Equal(Crc32C.Compute(data.AsSpan(start, Math.Min(bytesPerChecksum, length - start))), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(checksums.AsSpan(chunk * 4)));
        }

        for (var chunk = chunks - 1; chunk >= 0; chunk--)
        {
            data[(chunk * bytesPerChecksum) + (chunk % bytesPerChecksum)] ^= 0x01;
            Assert.Equal(chunk, ChunkChecksums.Verify(data, bytesPerChecksum, checksums));
        }
    }
}
