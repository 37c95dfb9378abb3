using System.Collections.Immutable;
using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

/// <summary>A directory: its entries in ordinal name order (listings page through them by name).</summary>
public sealed record DirectoryInode(
    InodeId Id,
    InodeId ParentId,
    string Name,
    long ModificationTimeMs,
    long AccessTimeMs,
    string Owner,
    string Group,
    ushort Permission,
    ImmutableSortedDictionary<string, Inode> Children)
    : Inode(Id, ParentId, Name, ModificationTimeMs, AccessTimeMs, Owner, Group, Permission)
{
    public static readonly ImmutableSortedDictionary<string, Inode> NoChildren =
        ImmutableSortedDictionary.Create<string, Inode>(StringComparer.Ordinal);

    public override bool IsDirectory => true;

    public DirectoryInode WithChild(Inode child) => this with { Children = Children.SetItem(child.Name, child) };

    public DirectoryInode WithoutChild(string name) => this with { Children = Children.Remove(name) };
}
