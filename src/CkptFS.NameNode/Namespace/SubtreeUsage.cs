namespace CkptFS.NameNode.Namespace;

/// <summary>
/// What a subtree holds, kept on every directory and updated as the tree is path-copied (O(depth)
/// per change, no scan), so that du and quota checks cost one lookup. <see cref="SpaceConsumed"/>
/// is what replicas take now (length × replication, du's number); <see cref="SpaceCharged"/> is
/// what the space quota counts: the same, except that a file being written has its last block
/// charged at its full block size × replication from allocation on, as HDFS does, and corrected
/// to the actual bytes when the file closes (or the block is abandoned).
/// </summary>
public readonly record struct SubtreeUsage(long Files, long Directories, long Length, long SpaceConsumed, long SpaceCharged)
{
    /// <summary>Files plus directories: what a namespace quota counts (HDFS counts the quota directory itself).</summary>
    public long Namespace => Files + Directories;

    public static SubtreeUsage operator +(SubtreeUsage a, SubtreeUsage b) =>
        new(a.Files + b.Files, a.Directories + b.Directories, a.Length + b.Length, a.SpaceConsumed + b.SpaceConsumed, a.SpaceCharged + b.SpaceCharged);

    public static SubtreeUsage operator -(SubtreeUsage a, SubtreeUsage b) =>
        new(a.Files - b.Files, a.Directories - b.Directories, a.Length - b.Length, a.SpaceConsumed - b.SpaceConsumed, a.SpaceCharged - b.SpaceCharged);

    /// <summary>The usage of one inode and everything below it; a directory's is kept, a file's is computed from its blocks.</summary>
    public static SubtreeUsage Of(Inode? inode) => inode switch
    {
        null => default,
        DirectoryInode directory => directory.Usage,
        FileInode file => OfFile(file),
        _ => throw new InvalidOperationException($"Unknown inode kind {inode.GetType().Name}."),
    };

    private static SubtreeUsage OfFile(FileInode file)
    {
        var length = file.Length;
        var charged = length;
        if (file.IsUnderConstruction && file.LastBlock is { } last && last.NumBytes < file.BlockSize)
        {
            charged += file.BlockSize - last.NumBytes;
        }
        return new SubtreeUsage(1, 0, length, length * file.Replication, charged * file.Replication);
    }
}
