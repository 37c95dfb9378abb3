using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Checkpoints;

/// <summary>How a committed checkpoint's record compares with the namespace.</summary>
public enum CheckpointCondition
{
    /// <summary>The folder is the committed one and every shard is there, closed, with its size.</summary>
    Intact,

    /// <summary>The folder is there but a shard is missing, open or of another size (changed by hand).</summary>
    Damaged,

    /// <summary>The folder was removed or replaced (plain rm / mv): the record describes nothing.</summary>
    Gone,
}

/// <summary>
/// Checks checkpoint records against a namespace version, without I/O. This is what keeps the
/// catalog consistent with the namespace when users change checkpoint folders with plain
/// commands: reads judge every record against the tree of the same batch, and the janitor drops
/// the records of folders that are gone. Cost: one lookup per shard.
/// </summary>
internal static class CheckpointInspector
{
    public static (CheckpointCondition Condition, string Problem) Inspect(NamespaceTree tree, CommittedCheckpoint checkpoint)
    {
        var folder = checkpoint.Path;
        if (tree.Find(folder) is not DirectoryInode directory || directory.Id != checkpoint.DirectoryId)
        {
            return (CheckpointCondition.Gone, $"{folder} was removed or replaced");
        }
        foreach (var shard in checkpoint.Manifest.Shards)
        {
            var path = CheckpointNames.ShardPath(folder, shard.Path);
            var problem = tree.Find(path) switch
            {
                null => $"shard {shard.Path} is missing",
                DirectoryInode => $"shard {shard.Path} is now a directory",
                FileInode { IsUnderConstruction: true } file => $"shard {shard.Path} is open for write by {file.LeaseHolder}",
                FileInode file when file.Length != (long)shard.Size => $"shard {shard.Path} is {file.Length} bytes, the manifest says {shard.Size}",
                _ => null,
            };
            if (problem is not null)
            {
                return (CheckpointCondition.Damaged, problem);
            }
        }
        return (CheckpointCondition.Intact, string.Empty);
    }

    /// <summary>The newest intact checkpoint of the job: what resume loads.</summary>
    public static ulong? NewestIntact(NamespaceTree tree, CheckpointJob job)
    {
        foreach (var (step, checkpoint) in job.Checkpoints.Reverse())
        {
            if (Inspect(tree, checkpoint).Condition == CheckpointCondition.Intact)
            {
                return step;
            }
        }
        return null;
    }

    /// <summary>Every file below <paramref name="folder"/> with its path relative to it, shard records excluded.</summary>
    public static IEnumerable<(string Relative, FileInode File)> Files(DirectoryInode folder)
    {
        var stack = new Stack<(string Prefix, DirectoryInode Directory)>();
        stack.Push((string.Empty, folder));
        while (stack.Count > 0)
        {
            var (prefix, directory) = stack.Pop();
            foreach (var (name, child) in directory.Children)
            {
                if (prefix.Length == 0 && name == CheckpointNames.ShardRecordsFolder)
                {
                    continue;
                }
                var relative = prefix + name;
                if (child is DirectoryInode subdirectory)
                {
                    stack.Push((relative + "/", subdirectory));
                }
                else
                {
                    yield return (relative, (FileInode)child);
                }
            }
        }
    }

    /// <summary>The last change below a pending folder (Unix ms): creation, a file closed, an entry added.</summary>
    public static long LastActivityMs(DirectoryInode folder) =>
        FsNamespace.Subtree(folder).Max(inode => inode.ModificationTimeMs);
}
