using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

/// <summary>
/// A file or directory in the namespace. Inodes are immutable: a mutation builds new ones along the
/// changed path (path copying), so a published <see cref="NamespaceTree"/> never changes under a reader.
/// Times are Unix epoch milliseconds. <see cref="AccessTimeMs"/> is set at creation, when a file
/// closes and by SetTimes, never by a read or a listing (HDFS with access-time precision 0): a read
/// costs no metadata write.
/// </summary>
public abstract record Inode(
    InodeId Id,
    InodeId ParentId,
    string Name,
    long ModificationTimeMs,
    long AccessTimeMs,
    string Owner,
    string Group,
    ushort Permission)
{
    public abstract bool IsDirectory { get; }
}
