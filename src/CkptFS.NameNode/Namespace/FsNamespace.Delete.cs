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
        RemoveBlocksOnCommit(context, inode);
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

    /// <summary>Once the batch is durable, the blocks of every file at or below <paramref name="removed"/> are deleted on their DataNodes.</summary>
    private void RemoveBlocksOnCommit(MutationContext context, Inode removed)
    {
        var blocks = Subtree(removed).OfType<FileInode>().SelectMany(f => f.Blocks).ToList();
        if (blocks.Count > 0)
        {
            context.OnCommitted(() => _blocks.RemoveBlocks(blocks));
        }
    }

    /// <summary>The inode and everything below it, parents first, without recursion (trees can be deep).</summary>
    internal static IEnumerable<Inode> Subtree(Inode top)
    {
        var stack = new Stack<Inode>();
        stack.Push(top);
        while (stack.Count > 0)
        {
            var inode = stack.Pop();
            yield return inode;
            if (inode is DirectoryInode directory)
            {
                foreach (var child in directory.Children.Values)
                {
                    stack.Push(child);
                }
            }
        }
    }
}
