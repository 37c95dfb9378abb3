using System.Collections.Immutable;
using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Persistence;

/// <summary>
/// Rebuilds the namespace tree from inode records (which know their parent, not their children).
/// Any record that does not hang off the root means the store is damaged: loading stops with an
/// error naming it, rather than serving a namespace with silent holes.
/// </summary>
internal static class NamespaceLoader
{
    public static NamespaceTree Build(IReadOnlyCollection<InodeRecord> records)
    {
        var childrenOf = new Dictionary<ulong, List<InodeRecord>>();
        InodeRecord? rootRecord = null;
        foreach (var record in records)
        {
            if (record.Id == InodeId.Root.Value)
            {
                rootRecord = record;
                continue;
            }
            if (!childrenOf.TryGetValue(record.ParentId, out var siblings))
            {
                childrenOf[record.ParentId] = siblings = [];
            }
            siblings.Add(record);
        }
        if (rootRecord is null)
        {
            throw new CkptFsException(ErrorCode.StorageCorrupt, "The metadata store has inodes but no root directory record.");
        }

        var root = (DirectoryInode)BuildSubtree(rootRecord, childrenOf, out var count);
        if (count != records.Count)
        {
            var orphan = records.First(r => r.Id != InodeId.Root.Value && !Reachable(r, records));
            throw new CkptFsException(ErrorCode.StorageCorrupt,
                $"The metadata store is damaged: inode {orphan.Id} ('{orphan.Name}') names parent {orphan.ParentId}, which is not in the namespace.");
        }
        return new NamespaceTree(root, count);
    }

    /// <summary>Post-order build with an explicit stack: directory trees can be deeper than the call stack allows.</summary>
    private static Inode BuildSubtree(InodeRecord top, Dictionary<ulong, List<InodeRecord>> childrenOf, out long count)
    {
        count = 0;
        var built = new Dictionary<ulong, Inode>();
        var stack = new Stack<(InodeRecord Record, bool Expanded)>();
        stack.Push((top, false));
        while (stack.Count > 0)
        {
            var (record, expanded) = stack.Pop();
            if (record.Type != FileType.Directory)
            {
                built[record.Id] = InodeRecords.ToFile(record);
                count++;
                continue;
            }
            childrenOf.TryGetValue(record.Id, out var children);
            if (!expanded && children is { Count: > 0 })
            {
                stack.Push((record, true));
                foreach (var child in children)
                {
                    stack.Push((child, false));
                }
                continue;
            }
            var entries = ImmutableSortedDictionary.CreateBuilder<string, Inode>(StringComparer.Ordinal);
            foreach (var child in children ?? [])
            {
                entries[child.Name] = built[child.Id];
                built.Remove(child.Id);
            }
            built[record.Id] = InodeRecords.ToDirectory(record, entries.ToImmutable());
            count++;
        }
        return built[top.Id];
    }

    private static bool Reachable(InodeRecord record, IReadOnlyCollection<InodeRecord> records)
    {
        var byId = records.ToDictionary(r => r.Id);
        var current = record;
        for (var hops = 0; hops < FsPath.MaxDepth + 1; hops++)
        {
            if (current.ParentId == InodeId.Root.Value)
            {
                return true;
            }
            if (!byId.TryGetValue(current.ParentId, out var parent))
            {
                return false;
            }
            current = parent;
        }
        return false;
    }
}
