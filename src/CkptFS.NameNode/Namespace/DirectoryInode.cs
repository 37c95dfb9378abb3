using System.Collections.Immutable;
using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

/// <summary>
/// A directory: its entries in ordinal name order (listings page through them by name), the usage
/// of everything below it (kept by <see cref="WithChild"/> and <see cref="WithoutChild"/>, which
/// every path-copying change goes through, so each ancestor's totals follow in O(1)) and its quota.
/// </summary>
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

    /// <summary>The children's subtrees summed; computed once when built from a list of children (a load), then kept incrementally.</summary>
    public SubtreeUsage ChildrenUsage { get; private init; } = SumOf(Children);

    /// <summary>This directory and everything below it.</summary>
    public SubtreeUsage Usage => ChildrenUsage + new SubtreeUsage(0, 1, 0, 0, 0);

    /// <summary>Limits on this subtree; <see cref="DirectoryQuota.None"/> when none is set.</summary>
    public DirectoryQuota Quota { get; init; }

    public DirectoryInode WithChild(Inode child)
    {
        Children.TryGetValue(child.Name, out var replaced);
        return this with
        {
            Children = Children.SetItem(child.Name, child),
            ChildrenUsage = ChildrenUsage + SubtreeUsage.Of(child) - SubtreeUsage.Of(replaced),
        };
    }

    public DirectoryInode WithoutChild(string name) =>
        Children.TryGetValue(name, out var removed)
            ? this with { Children = Children.Remove(name), ChildrenUsage = ChildrenUsage - SubtreeUsage.Of(removed) }
            : this;

    private static SubtreeUsage SumOf(ImmutableSortedDictionary<string, Inode> children)
    {
        SubtreeUsage sum = default;
        foreach (var child in children.Values)
        {
            sum += SubtreeUsage.Of(child);
        }
        return sum;
    }
}
