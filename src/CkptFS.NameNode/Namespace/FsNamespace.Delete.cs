using CkptFS.Common;
using CkptFS.NameNode.Persistence;

namespace CkptFS.NameNode.Namespace;

public sealed partial class FsNamespace
{
    /// <summary>
    /// Deletes a file, an empty directory, or (with <paramref name="recursive"/>) a whole subtree,
    /// in one durable batch. The root cannot be deleted.
    /// </summary>
    public async Task<DeleteResult> DeleteAsync(FsPath path, bool recursive, CancellationToken cancellationToken = default)
    {
        if (path.IsRoot)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, "Cannot delete /: the root directory stays; delete its entries instead.");
        }
        _blocks.ThrowIfSafeMode($"delete {path}");
        return await _committer.SubmitAsync(context => Delete(context, path, recursive), cancellationToken);
    }

    /// <summary>The delete itself, inside a mutation (also composed into checkpoint transactions).</summary>
    internal DeleteResult Delete(MutationContext context, FsPath path, bool recursive)
    {
        var inode = context.Tree.Get(path);
        if (inode is DirectoryInode { Children.Count: > 0 } && !recursive)
        {
            throw new CkptFsException(ErrorCode.DirectoryNotEmpty, $"Cannot delete {path}: the directory is not empty (use -r to delete it and its contents).");
        }
        long files = 0, directories = 0;
        RemoveFilesOnCommit(context, inode);
        foreach (var deleted in Subtree(inode))
        {
            context.Delete(deleted.Id);
            if (deleted.IsDirectory)
            {
                directories++;
            }
            else
            {
                files++;
            }
        }
        context.Tree = context.Tree.WithoutChild(path.Parent, path.Name, -(files + directories), context.NowMs);
        context.PutDirectory(path.Parent);
        return new DeleteResult(files, directories);
    }

    /// <summary>
    /// Once the batch is durable, the blocks of every file at or below <paramref name="removed"/> are
    /// deleted on their DataNodes, and the leases of those being written are released (HDFS lets an
    /// open file be deleted; its writer's next call fails with FileNotFound).
    /// </summary>
    private void RemoveFilesOnCommit(MutationContext context, Inode removed)
    {
        var files = Subtree(removed).OfType<FileInode>().ToList();
        var blocks = files.SelectMany(f => f.Blocks).ToList();
        var open = files.Where(f => f.IsUnderConstruction).Select(f => f.Id).ToList();
        if (blocks.Count > 0 || open.Count > 0)
        {
            context.OnCommitted(() =>
            {
                _blocks.RemoveBlocks(blocks);
                foreach (var id in open)
                {
                    _leases.Remove(id);
                    _recoveries.Finish(id);
                }
            });
        }
    }

    /// <summary>The inode and everything below it, parents first.</summary>
    internal static IEnumerable<Inode> Subtree(Inode top) => Walk<object?>(null, top, static (_, _) => null).Select(static x => x.Inode);

    /// <summary>
    /// The inode and everything below it, parents first, without recursion (trees can be deep). Each
    /// comes with a state its parent directory gave all its children (<paramref name="childrenState"/>
    /// runs once per directory, e.g. to build that directory's path), <paramref name="topState"/> for the top.
    /// </summary>
    private static IEnumerable<(T State, Inode Inode)> Walk<T>(T topState, Inode top, Func<T, DirectoryInode, T> childrenState)
    {
        var stack = new Stack<(T, Inode)>();
        stack.Push((topState, top));
        while (stack.Count > 0)
        {
            var (state, inode) = stack.Pop();
            yield return (state, inode);
            if (inode is DirectoryInode directory && directory.Children.Count > 0)
            {
                var childState = childrenState(state, directory);
                foreach (var child in directory.Children.Values)
                {
                    stack.Push((childState, child));
                }
            }
        }
    }
}
