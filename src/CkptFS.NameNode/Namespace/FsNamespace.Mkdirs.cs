using CkptFS.Common;
using CkptFS.NameNode.Persistence;

namespace CkptFS.NameNode.Namespace;

public sealed partial class FsNamespace
{
    /// <summary>
    /// Creates the directory <paramref name="path"/>. With <paramref name="createParent"/> (mkdir -p)
    /// every missing ancestor is created too and an existing directory is success; without it the
    /// parent must exist and the path must not.
    /// </summary>
    public Task<NamespaceEntry> MkdirsAsync(FsPath path, bool createParent, ushort permission = 0, string? owner = null, CancellationToken cancellationToken = default)
    {
        var mode = PermissionOrDefault(permission, DefaultDirectoryPermission);
        var user = OwnerOrDefault(owner);
        _blocks.ThrowIfSafeMode($"create directory {path}");
        return _committer.SubmitAsync(context =>
        {
            var existing = context.Tree.Find(path);
            if (existing is not null)
            {
                if (existing.IsDirectory && createParent)
                {
                    return new NamespaceEntry(path, existing);
                }
                throw new CkptFsException(ErrorCode.FileAlreadyExists,
                    $"Cannot create directory {path}: {(existing.IsDirectory ? "it already exists" : "a file exists there")}.");
            }
            if (!createParent)
            {
                RequireParentDirectory(context.Tree, path.Parent, path);
            }
            EnsureDirectories(context, path, mode, user);
            return new NamespaceEntry(path, context.Tree.Get(path));
        }, cancellationToken);
    }

    /// <summary>
    /// Creates every missing directory on <paramref name="path"/> in one tree update: the missing
    /// chain is built bottom-up and attached under the deepest existing ancestor.
    /// </summary>
    internal void EnsureDirectories(MutationContext context, FsPath path, ushort mode, string owner)
    {
        var tree = context.Tree;
        Inode current = tree.Root;
        var existingDepth = 0;
        for (; existingDepth < path.Depth; existingDepth++)
        {
            if (current is not DirectoryInode directory)
            {
                throw new CkptFsException(ErrorCode.ParentNotDirectory,
                    $"Cannot create {path}: {path.Ancestor(existingDepth)} is a file, not a directory.");
            }
            if (!directory.Children.TryGetValue(path.Components[existingDepth], out var child))
            {
                break;
            }
            current = child;
        }
        if (existingDepth == path.Depth)
        {
            if (current is not DirectoryInode)
            {
                throw new CkptFsException(ErrorCode.ParentNotDirectory, $"{path} is a file, not a directory.");
            }
            return;
        }
        if (current is not DirectoryInode attachPoint)
        {
            throw new CkptFsException(ErrorCode.ParentNotDirectory,
                $"Cannot create {path}: {path.Ancestor(existingDepth)} is a file, not a directory.");
        }

        // Ids top-down (parents before children), then nodes bottom-up.
        var missing = path.Depth - existingDepth;
        var ids = new InodeId[missing];
        for (var i = 0; i < missing; i++)
        {
            ids[i] = context.AllocateInodeId();
        }
        DirectoryInode? chain = null;
        for (var i = missing - 1; i >= 0; i--)
        {
            var parentId = i == 0 ? attachPoint.Id : ids[i - 1];
            // Its group is its parent's (HDFS, as BSD): a team's folder keeps what is made in it in the team's group.
            var node = new DirectoryInode(ids[i], parentId, path.Components[existingDepth + i], context.NowMs, context.NowMs, owner, attachPoint.Group, mode,
                chain is null ? DirectoryInode.NoChildren : DirectoryInode.NoChildren.Add(chain.Name, chain));
            context.Put(node);
            chain = node;
        }
        var attachPath = path.Ancestor(existingDepth);
        context.Tree = tree.WithChild(attachPath, chain!, missing, context.NowMs);
        VerifyQuotas(tree, context.Tree, path, $"create directory {path}");
        context.PutDirectory(attachPath);
    }
}
