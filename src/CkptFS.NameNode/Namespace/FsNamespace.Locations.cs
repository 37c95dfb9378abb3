using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

public sealed partial class FsNamespace
{
    /// <summary>
    /// The blocks of a file covering [<paramref name="offset"/>, offset + <paramref name="length"/>)
    /// (length 0: to the end), each with its replicas nearest to <paramref name="clientHost"/> first
    /// (<see cref="DataNodes.DatanodeManager.SortForReader"/>). Corrupt replicas are left out unless
    /// every replica is corrupt. The last block of a file being written is included even when it
    /// holds no acknowledged byte yet. Until a block's replicas are reported (the DataNodes' reports
    /// trail the pipeline's final ack), the pipeline AddBlock chose stands in, as HDFS's expected
    /// locations of a committed block do.
    /// A read: no lock, no commit, allowed in safe mode.
    /// </summary>
    public BlockLocations GetBlockLocations(FsPath path, long offset, long length, string? clientHost)
    {
        var file = RequireFile(Current, path);
        var fileLength = file.Length;
        if (offset < 0 || length < 0 || offset > fileLength)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot read {path} at offset {offset}: the file has {fileLength} bytes.");
        }
        var end = length == 0 || length > long.MaxValue - offset ? long.MaxValue : offset + length;
        var located = new List<LocatedFileBlock>();
        long start = 0;
        for (var i = 0; i < file.Blocks.Length; i++)
        {
            var block = file.Blocks[i];
            var blockEnd = start + block.NumBytes;
            var openLast = file.IsUnderConstruction && i == file.Blocks.Length - 1;
            if (start < end && (blockEnd > offset || (openLast && blockEnd >= offset)))
            {
                located.Add(Locate(block, start, clientHost));
            }
            start = blockEnd;
        }
        return new BlockLocations(new NamespaceEntry(path, file), fileLength, file.IsUnderConstruction, located);
    }

    private LocatedFileBlock Locate(FileBlock block, long offset, string? clientHost)
    {
        var replicas = _blocks.GetReplicas(block.Id);
        var allCorrupt = replicas.Live.Count == 0 && replicas.Corrupt.Count > 0;
        var uuids = replicas.Live.Count > 0 ? replicas.Live
            : allCorrupt ? replicas.Corrupt
            : replicas.ExpectedTargets;
        return new LocatedFileBlock(block, offset, _datanodes.SortForReader(uuids, clientHost), allCorrupt);
    }
}
