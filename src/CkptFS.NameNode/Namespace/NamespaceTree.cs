using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

/// <summary>
/// One immutable version of the whole namespace. Readers take the published version with one
/// volatile read and walk it without locks; the committer builds the next version by path copying
/// (O(depth · log fan-out) new nodes per change) and publishes it only after its batch is durable.
/// </summary>
public sealed class NamespaceTree
{
    public NamespaceTree(DirectoryInode root, long inodeCount)
    {
        Root = root;
        InodeCount = inodeCount;
    }

    public DirectoryInode Root { get; }

    /// <summary>Files and directories, the root included.</summary>
    public long InodeCount { get; }

    /// <summary>The inode at <paramref name="path"/>, or null when it or an ancestor is missing.</summary>
    public Inode? Find(FsPath path)
    {
        Inode current = Root;
        foreach (var name in path.Components)
        {
            if (current is not DirectoryInode directory || !directory.Children.TryGetValue(name, out var child))
            {
                return null;
            }
            current = child;
        }
        return current;
    }

    /// <summary>
    /// The inode at <paramref name="path"/>; throws the error a user expects when it is missing:
    /// <see cref="ErrorCode.FileNotFound"/>, or <see cref="ErrorCode.ParentNotDirectory"/> when an
    /// ancestor is a file.
    /// </summary>
    public Inode Get(FsPath path)
    {
        Inode current = Root;
        var components = path.Components;
        for (var i = 0; i < components.Count; i++)
        {
            if (current is not DirectoryInode directory)
            {
                throw new CkptFsException(ErrorCode.ParentNotDirectory,
                    $"{path.Ancestor(i)} is a file, so {path} cannot exist.");
            }
            if (!directory.Children.TryGetValue(components[i], out var child))
            {
                throw new CkptFsException(ErrorCode.FileNotFound, $"{path}: no such file or directory.");
            }
            current = child;
        }
        return current;
    }

    /// <summary>The directory at <paramref name="path"/>, or the error that says why there is none.</summary>
    public DirectoryInode GetDirectory(FsPath path) =>
        Get(path) as DirectoryInode
        ?? throw new CkptFsException(ErrorCode.NotADirectory, $"{path} is a file, not a directory.");

    /// <summary>Adds or replaces <paramref name="child"/> (by name) in the directory at <paramref name="parent"/>.</summary>
    public NamespaceTree WithChild(FsPath parent, Inode child, long inodeCountDelta, long nowMs) =>
        Update(parent, directory => directory.WithChild(child) with { ModificationTimeMs = nowMs }, inodeCountDelta);

    /// <summary>Removes the entry <paramref name="name"/> of the directory at <paramref name="parent"/>.</summary>
    public NamespaceTree WithoutChild(FsPath parent, string name, long inodeCountDelta, long nowMs) =>
        Update(parent, directory => directory.WithoutChild(name) with { ModificationTimeMs = nowMs }, inodeCountDelta);

    /// <summary>Replaces the inode at <paramref name="path"/> (same name) with <paramref name="replacement"/>.</summary>
    public NamespaceTree WithReplaced(FsPath path, Inode replacement) =>
        path.IsRoot
            ? new NamespaceTree((DirectoryInode)replacement, InodeCount)
            : Update(path.Parent, directory => directory.WithChild(replacement), 0);

    private NamespaceTree Update(FsPath directoryPath, Func<DirectoryInode, DirectoryInode> change, long inodeCountDelta)
    {
        var root = Rebuild(Root, directoryPath.Components, 0, change);
        return new NamespaceTree(root, InodeCount + inodeCountDelta);
    }

    private static DirectoryInode Rebuild(DirectoryInode directory, IReadOnlyList<string> components, int index, Func<DirectoryInode, DirectoryInode> change)
    {
        if (index == components.Count)
        {
            return change(directory);
        }
        // Callers validate the path first; a miss here is a bug in a mutation, not bad input.
        var child = directory.Children[components[index]] as DirectoryInode
            ?? throw new InvalidOperationException($"Path component '{components[index]}' is not a directory.");
        return directory.WithChild(Rebuild(child, components, index + 1, change));
    }
}
