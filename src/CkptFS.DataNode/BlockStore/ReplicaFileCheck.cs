using System.Buffers;
using System.Buffers.Binary;
using CkptFS.Common.Checksums;
using CkptFS.Protocol.DataTransfer;

namespace CkptFS.DataNode.BlockStore;

/// <summary>The checks a restart runs on a replica's files (see BlockStore.Load).</summary>
internal static class ReplicaFileCheck
{
    /// <summary>
    /// A finalized replica is usable when its meta header is valid and the meta holds exactly one checksum
    /// per chunk of the data. Returns its bytes per checksum and length, or null with the problem.
    /// </summary>
    public static int? CheckFinalized(string dataPath, string metaPath, out long length, out string? problem)
    {
        length = new FileInfo(dataPath).Length;
        var bytesPerChecksum = ReadHeader(metaPath, out problem);
        if (bytesPerChecksum is null)
        {
            return null;
        }

        var metaLength = new FileInfo(metaPath).Length;
        var expected = ReplicaMetaHeader.Size + ((long)ChunkChecksums.ChunkCount(length, bytesPerChecksum.Value) * ChunkChecksums.ChecksumSize);
        if (metaLength != expected)
        {
            problem = $"{length} data bytes need a {expected}-byte meta file, found {metaLength} bytes";
            return null;
        }

        return bytesPerChecksum;
    }

    /// <summary>
    /// Cuts an rbw replica to the longest prefix of chunks that verify against their stored checksums
    /// (data written without its checksum, or a torn last write, fails here) and trims the meta to match.
    /// </summary>
    public static int? TruncateToVerifiedPrefix(string dataPath, string metaPath, out long length, out string? problem)
    {
        length = 0;
        var bytesPerChecksum = ReadHeader(metaPath, out problem);
        if (bytesPerChecksum is not { } chunkSize)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            using var data = File.OpenHandle(dataPath, FileMode.Open, FileAccess.ReadWrite);
            using var meta = File.OpenHandle(metaPath, FileMode.Open, FileAccess.ReadWrite);
            var dataLength = RandomAccess.GetLength(data);
            var storedChunks = (RandomAccess.GetLength(meta) - ReplicaMetaHeader.Size) / ChunkChecksums.ChecksumSize;
            Span<byte> stored = stackalloc byte[ChunkChecksums.ChecksumSize];
            for (long chunk = 0; chunk < storedChunks && length < dataLength; chunk++)
            {
                var size = (int)Math.Min(chunkSize, dataLength - length);
                if (RandomAccess.Read(data, buffer.AsSpan(0, size), length) != size
                    || RandomAccess.Read(meta, stored, ReplicaMetaHeader.Size + (chunk * ChunkChecksums.ChecksumSize)) != stored.Length
                    || Crc32C.Compute(buffer.AsSpan(0, size)) != BinaryPrimitives.ReadUInt32BigEndian(stored))
                {
                    break;
                }

                length += size;
            }

            RandomAccess.SetLength(data, length);
            RandomAccess.SetLength(meta, ReplicaMetaHeader.Size + ((long)ChunkChecksums.ChunkCount(length, chunkSize) * ChunkChecksums.ChecksumSize));
            RandomAccess.FlushToDisk(data);
            RandomAccess.FlushToDisk(meta);
            return chunkSize;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int? ReadHeader(string metaPath, out string? problem)
    {
        Span<byte> header = stackalloc byte[ReplicaMetaHeader.Size];
        using var meta = File.OpenHandle(metaPath, FileMode.Open, FileAccess.Read);
        var read = RandomAccess.Read(meta, header, 0);
        return ReplicaMetaHeader.TryRead(header[..read], DataTransferProtocol.MaxBytesPerChecksum, out problem);
    }
}
