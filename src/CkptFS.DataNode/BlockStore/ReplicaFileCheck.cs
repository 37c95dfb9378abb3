using System.Buffers;
using System.Buffers.Binary;
using CkptFS.Common.Checksums;
using CkptFS.Protocol.DataTransfer;

namespace CkptFS.DataNode.BlockStore;

/// <summary>The checks a restart runs on a replica's files (see BlockStore.Load), and the cut that restart and recovery share.</summary>
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
        var bytesPerChecksum = VerifiedLength(dataPath, metaPath, out length, out problem);
        if (bytesPerChecksum is { } chunkSize)
        {
            Truncate(dataPath, metaPath, chunkSize, length);
        }

        return bytesPerChecksum;
    }

    /// <summary>
    /// The longest prefix of a replica's data whose chunks verify against their stored checksums, capped
    /// at the bytes on disk (a last partial chunk counts when its checksum covers exactly those bytes).
    /// Reads only. Returns the bytes per checksum, or null with the problem when the meta header is bad.
    /// </summary>
    public static int? VerifiedLength(string dataPath, string metaPath, out long length, out string? problem)
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
            using var data = File.OpenHandle(dataPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var meta = File.OpenHandle(metaPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
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

            return chunkSize;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Cuts a replica to <paramref name="length"/> bytes (at most what its data file holds) and its meta to
    /// one checksum per chunk of them. A partial last chunk gets its checksum computed again from the bytes
    /// on disk, so that every stored checksum covers exactly its chunk's bytes. fsyncs both files.
    /// </summary>
    public static void Truncate(string dataPath, string metaPath, int bytesPerChecksum, long length)
    {
        using var data = File.OpenHandle(dataPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        using var meta = File.OpenHandle(metaPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var onDisk = RandomAccess.GetLength(data);
        if (length > onDisk)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"Cannot cut '{dataPath}' to {length} bytes: it holds {onDisk}.");
        }

        RandomAccess.SetLength(data, length);
        var chunks = ChunkChecksums.ChunkCount(length, bytesPerChecksum);
        var tail = (int)(length % bytesPerChecksum);
        if (tail > 0)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(tail);
            try
            {
                var read = RandomAccess.Read(data, buffer.AsSpan(0, tail), length - tail);
                if (read != tail)
                {
                    throw new IOException($"'{dataPath}' returned {read} of the {tail} bytes of its last chunk.");
                }

                Span<byte> checksum = stackalloc byte[ChunkChecksums.ChecksumSize];
                BinaryPrimitives.WriteUInt32BigEndian(checksum, Crc32C.Compute(buffer.AsSpan(0, tail)));
                RandomAccess.Write(meta, checksum, ReplicaMetaHeader.Size + ((long)(chunks - 1) * ChunkChecksums.ChecksumSize));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        RandomAccess.SetLength(meta, ReplicaMetaHeader.Size + ((long)chunks * ChunkChecksums.ChecksumSize));
        RandomAccess.FlushToDisk(data);
        RandomAccess.FlushToDisk(meta);
    }

    private static int? ReadHeader(string metaPath, out string? problem)
    {
        Span<byte> header = stackalloc byte[ReplicaMetaHeader.Size];
        using var meta = File.OpenHandle(metaPath, FileMode.Open, FileAccess.Read);
        var read = RandomAccess.Read(meta, header, 0);
        return ReplicaMetaHeader.TryRead(header[..read], DataTransferProtocol.MaxBytesPerChecksum, out problem);
    }
}
