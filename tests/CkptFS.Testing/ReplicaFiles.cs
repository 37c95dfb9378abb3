using System.Buffers.Binary;
using CkptFS.Common.Checksums;

namespace CkptFS.Testing;

/// <summary>
/// Reads a DataNode's finalized replicas straight from its folders, as an operator would after a
/// crash: each <c>blk_ID</c> with its <c>blk_ID_GS.meta</c> (an 11-byte header whose last 4 bytes are
/// the chunk size, then one big-endian CRC32C per chunk). Used for the invariant that no finalized
/// replica holds bytes that fail their checksums.
/// </summary>
public static class ReplicaFiles
{
    private const int MetaHeaderSize = 11;

    /// <summary>Every finalized replica below <paramref name="dataDirectory"/> whose bytes do not match its meta file, with the reason.</summary>
    public static IReadOnlyList<string> FindBadFinalized(string dataDirectory)
    {
        var bad = new List<string>();
        foreach (var data in Directory.EnumerateFiles(dataDirectory, "blk_*", SearchOption.AllDirectories)
                     .Where(f => !f.EndsWith(".meta", StringComparison.Ordinal) && f.Contains($"{Path.DirectorySeparatorChar}finalized{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var metas = Directory.GetFiles(Path.GetDirectoryName(data)!, $"{Path.GetFileName(data)}_*.meta");
            if (metas.Length != 1)
            {
                bad.Add($"{data}: {metas.Length} meta files");
                continue;
            }
            if (Check(data, metas[0]) is { } problem)
            {
                bad.Add($"{data}: {problem}");
            }
        }
        return bad;
    }

    private static string? Check(string dataPath, string metaPath)
    {
        var data = File.ReadAllBytes(dataPath);
        var meta = File.ReadAllBytes(metaPath);
        if (meta.Length < MetaHeaderSize)
        {
            return $"meta of {meta.Length} bytes";
        }
        var bytesPerChecksum = (int)BinaryPrimitives.ReadUInt32BigEndian(meta.AsSpan(MetaHeaderSize - 4));
        var checksums = meta.AsSpan(MetaHeaderSize);
        if (checksums.Length != ChunkChecksums.ChecksumBytes(data.Length, bytesPerChecksum))
        {
            return $"{data.Length} bytes with {checksums.Length} checksum bytes";
        }
        var chunk = ChunkChecksums.Verify(data, bytesPerChecksum, checksums);
        return chunk < 0 ? null : $"chunk {chunk} fails its checksum";
    }
}
