using CkptFS.Common;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Persistence;

/// <summary>
/// What the start-up load saw on its way, so that the block map and the lease table need not walk
/// a tree of a million inodes again: the files that have blocks, and the files under construction
/// with their paths.
/// </summary>
public sealed record LoadedFiles(IReadOnlyList<FileInode> WithBlocks, IReadOnlyList<(FsPath Path, FileInode File)> UnderConstruction)
{
    public static readonly LoadedFiles None = new([], []);
}
