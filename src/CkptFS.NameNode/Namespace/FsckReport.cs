namespace CkptFS.NameNode.Namespace;

/// <summary>
/// What fsck found below a path. Files being written are counted in <see cref="OpenFiles"/> only
/// (their blocks are still changing, as HDFS fsck without -openforwrite). <see cref="Healthy"/>:
/// no block is missing and no replica is corrupt.
/// </summary>
public sealed record FsckReport(
    long Files,
    long Directories,
    long TotalBytes,
    long Blocks,
    long HealthyBlocks,
    long UnderReplicatedBlocks,
    long MissingBlocks,
    long CorruptBlocks,
    long OpenFiles,
    IReadOnlyList<FsckBlock> ListedBlocks)
{
    public bool Healthy => MissingBlocks == 0 && CorruptBlocks == 0;
}
