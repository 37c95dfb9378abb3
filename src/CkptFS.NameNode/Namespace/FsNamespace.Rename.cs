using CkptFS.Common;
using CkptFS.NameNode.Persistence;

namespace CkptFS.NameNode.Namespace;

public sealed partial class FsNamespace
{
    /// <summary>
    /// Moves a file or a whole directory, atomically (one record per moved inode: its children
    /// follow it by parent id). Rules, as `mv`:
    /// - destination is an existing directory: the source moves into it, keeping its name;
    /// - destination is an existing file: replaced only with <paramref name="overwrite"/> and only by a file;
    /// - otherwise the destination's parent must be an existing directory;
    /// - the root cannot move, and a directory never moves into itself or below itself;
    /// - a rename onto itself is success with no change.
    /// The moved entry keeps its modification and access times; the source and destination
    /// directories take the group's time.
    /// </summary>
    public async Task<NamespaceEntry> RenameAsync(FsPath source, FsPath destination, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        if (source.IsRoot)
        {
            throw new CkptFsException(ErrorCode.InvalidRename, "Cannot rename /: the root directory cannot move.");
        }
        _blocks.ThrowIfSafeMode($"rename {source}");
        return await _committer.SubmitAsync(context => Rename(context, source, destination, overwrite), cancellationToken);
    }

    internal NamespaceEntry Rename(MutationContext context, FsPath source, FsPath destination, bool overwrite)
    {
        var tree = context.Tree;
        var moving = tree.Get(source);
        var target = ResolveRenameTarget(tree, source, destination);
        if (target.Equals(source))
        {
            return new NamespaceEntry(source, moving);
        }
        if (target.IsSameOrDescendantOf(source))
        {
            throw new CkptFsException(ErrorCode.InvalidRename, $"Cannot move {source} to {target}: a directory cannot move into itself.");
        }
        var targetParent = RequireParentDirectory(tree, target.Parent, target);
        var inodeCountDelta = 0L;
        if (targetParent.Children.TryGetValue(target.Name, out var existing))
        {
            RequireOverwritable(source, target, moving, existing, overwrite);
            context.Delete(existing.Id);
            RemoveFilesOnCommit(context, existing);
            inodeCountDelta = -1;
        }

        // The moved entry keeps its times (HDFS, POSIX): a rename changes its parents, not it.
        var moved = moving with { ParentId = targetParent.Id, Name = target.Name };
        tree = tree.WithoutChild(source.Parent, source.Name, 0, context.NowMs);
        tree = tree.WithChild(target.Parent, moved, inodeCountDelta, context.NowMs);
        VerifyQuotas(context.Tree, tree, target, $"move {source} to {target}");
        context.Tree = tree;
        context.Put(moved);
        context.PutDirectory(source.Parent);
        if (!target.Parent.Equals(source.Parent))
        {
            context.PutDirectory(target.Parent);
        }
        return new NamespaceEntry(target, moved);
    }

    /// <summary>An existing directory as destination means "into it" (mv semantics).</summary>
    private static FsPath ResolveRenameTarget(NamespaceTree tree, FsPath source, FsPath destination) =>
        tree.Find(destination) is DirectoryInode && !destination.Equals(source)
            ? destination.Child(source.Name)
            : destination;

    private static void RequireOverwritable(FsPath source, FsPath target, Inode moving, Inode existing, bool overwrite)
    {
        if (existing.IsDirectory)
        {
            throw new CkptFsException(ErrorCode.FileAlreadyExists, $"Cannot move {source} to {target}: a directory exists there.");
        }
        if (moving.IsDirectory)
        {
            throw new CkptFsException(ErrorCode.FileAlreadyExists, $"Cannot move directory {source} to {target}: a file exists there.");
        }
        if (!overwrite)
        {
            throw new CkptFsException(ErrorCode.FileAlreadyExists, $"Cannot move {source} to {target}: it already exists (use overwrite to replace it).");
        }
        if (existing is FileInode { IsUnderConstruction: true } file)
        {
            throw new CkptFsException(ErrorCode.LeaseHeldByOther, $"Cannot replace {target}: it is being written by {file.LeaseHolder}.");
        }
    }
}
