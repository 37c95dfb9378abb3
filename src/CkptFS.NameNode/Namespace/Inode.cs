using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

/// <summary>
/// A file or directory in the namespace. Inodes are immutable: a mutation builds new ones along the
/// changed path (path copying), so a published <see cref="NamespaceTree"/> never changes under a reader.
/// </summary>
public abstract record Inode(
    InodeId Id,
    InodeId ParentId,
    string Name,
    long ModificationTimeMs,
    string Owner,
    string Group,
    ushort Permission)
{
    public abstract bool IsDirectory { get; }
}
