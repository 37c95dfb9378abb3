using System.Buffers;
using CkptFS.Common.Checksums;
using CkptFS.DataNode.BlockStore;
using CkptFS.Protocol.DataTransfer;

namespace CkptFS.DataNode.Transfer;

/// <summary>
/// A large run of a replica's data and its stored checksums, read from disk in two reads and then
/// cut into packets by <see cref="CopyPacket"/> (see BlockSender.ReadSpanBytes). Pooled buffers.
/// </summary>
internal sealed class ReadSpan : IDisposable
{
    private readonly int _bytesPerChecksum;
    private readonly byte[] _data;
    private readonly byte[] _checksums;

    public ReadSpan(int capacity, int bytesPerChecksum)
    {
        _bytesPerChecksum = bytesPerChecksum;
        Capacity = capacity;
        _data = ArrayPool<byte>.Shared.Rent(capacity);
        _checksums = ArrayPool<byte>.Shared.Rent(ChunkChecksums.ChecksumBytes(capacity, bytesPerChecksum));
    }

    public int Capacity { get; }

    /// <summary>Block offset of the first byte held (chunk-aligned).</summary>
    public long Start { get; private set; }

    public int Length { get; private set; }

    /// <summary>Reads up to <see cref="Capacity"/> bytes from <paramref name="start"/>, not past <paramref name="end"/>.</summary>
    public void Fill(ReplicaInput replica, long start, long end)
    {
        Start = start;
        Length = (int)Math.Min(Capacity, end - start);
        replica.ReadData(start, _data.AsSpan(0, Length));
        replica.ReadChecksums(start / _bytesPerChecksum, _checksums.AsSpan(0, ChunkChecksums.ChecksumBytes(Length, _bytesPerChecksum)));
    }

    /// <summary>Copies <paramref name="length"/> bytes at <paramref name="at"/> (chunk-aligned) and their checksums into <paramref name="packet"/>.</summary>
    public void CopyPacket(int at, int length, PacketBuffer packet)
    {
        _data.AsSpan(at, length).CopyTo(packet.DataSpace);
        packet.SetDataLength(length);
        _checksums.AsSpan(at / _bytesPerChecksum * ChunkChecksums.ChecksumSize, packet.Checksums.Length).CopyTo(packet.Checksums);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_data);
        ArrayPool<byte>.Shared.Return(_checksums);
    }
}
