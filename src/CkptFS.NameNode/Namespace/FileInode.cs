using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

/// <summary>
/// A file. <see cref="LeaseHolder"/> is set while the file is under construction (open for write
/// by that client) and empty once it is closed.
/// </summary>
public sealed record FileInode(
    InodeId Id,
    InodeId ParentId,
    string Name,
    long ModificationTimeMs,
    string Owner,
    string Group,
    ushort Permission,
    long Length,
    int Replication,
    long BlockSize,
    string LeaseHolder)
    : Inode(Id, ParentId, Name, ModificationTimeMs, Owner, Group, Permission)
{
    public override bool IsDirectory => false;

    public bool IsUnderConstruction => LeaseHolder.Length != 0;
}
