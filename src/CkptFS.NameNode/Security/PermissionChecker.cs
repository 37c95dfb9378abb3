using System.Text;
using CkptFS.Common;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Security;

/// <summary>
/// HDFS's FSPermissionChecker over one published namespace tree: the checks an operation asks for
/// (traverse every ancestor, an access on the nearest existing ancestor, on the parent, on the inode
/// itself, on every directory below it, ownership, the sticky bit). Superusers pass everything. A
/// refusal is <see cref="ErrorCode.PermissionDenied"/> worded as HDFS's:
/// <c>Permission denied: user=alice, access=WRITE, inode="/jobs/bob":bob:ckptfs:drwxr-xr-x</c>.
/// </summary>
public sealed class PermissionChecker(NamespaceTree tree, Caller caller)
{
    public const ushort StickyBit = 0x200;   // 01000

    /// <summary>EXECUTE on every existing directory above <paramref name="path"/> (stops at the first missing one or a file).</summary>
    public PermissionChecker Traverse(FsPath path)
    {
        if (caller.IsSuperuser)
        {
            return this;
        }
        Inode current = tree.Root;
        for (var depth = 0; depth < path.Components.Count; depth++)
        {
            if (current is not DirectoryInode directory)
            {
                return this;
            }
            Require(current, path.Ancestor(depth), FsAction.Execute);
            if (!directory.Children.TryGetValue(path.Components[depth], out var child))
            {
                return this;
            }
            current = child;
        }
        return this;
    }

    /// <summary><paramref name="action"/> on the nearest existing ancestor of <paramref name="path"/> (what mkdir -p and create need).</summary>
    public PermissionChecker Ancestor(FsPath path, FsAction action)
    {
        if (caller.IsSuperuser || path.IsRoot)
        {
            return this;
        }
        for (var depth = path.Components.Count - 1; depth >= 0; depth--)
        {
            var ancestor = path.Ancestor(depth);
            if (tree.Find(ancestor) is { } found)
            {
                Require(found, ancestor, action);
                return this;
            }
        }
        return this;
    }

    /// <summary><paramref name="action"/> on the parent of <paramref name="path"/> when it exists (else the operation fails on its own).</summary>
    public PermissionChecker Parent(FsPath path, FsAction action) => path.IsRoot ? this : Self(path.Parent, action);

    /// <summary><paramref name="action"/> on <paramref name="path"/> itself when it exists.</summary>
    public PermissionChecker Self(FsPath path, FsAction action)
    {
        if (!caller.IsSuperuser && tree.Find(path) is { } inode)
        {
            Require(inode, path, action);
        }
        return this;
    }

    /// <summary><paramref name="action"/> on <paramref name="path"/> when it is a directory.</summary>
    public PermissionChecker SelfIfDirectory(FsPath path, FsAction action) =>
        tree.Find(path) is DirectoryInode ? Self(path, action) : this;

    /// <summary>
    /// <paramref name="action"/> on every non-empty directory at or below <paramref name="path"/> (a
    /// recursive delete needs ALL: it removes what each of them holds; HDFS's subAccess with ignoreEmptyDir).
    /// </summary>
    public PermissionChecker Subtree(FsPath path, FsAction action)
    {
        if (caller.IsSuperuser || tree.Find(path) is not DirectoryInode top)
        {
            return this;
        }
        var pending = new Stack<(FsPath Path, DirectoryInode Directory)>();
        pending.Push((path, top));
        while (pending.TryPop(out var next))
        {
            if (next.Directory.Children.Count == 0)
            {
                continue;
            }
            Require(next.Directory, next.Path, action);
            foreach (var child in next.Directory.Children.Values)
            {
                if (child is DirectoryInode directory)
                {
                    pending.Push((next.Path.Child(child.Name), directory));
                }
            }
        }
        return this;
    }

    /// <summary>The caller owns <paramref name="path"/> (chmod, chgrp, setting times without WRITE).</summary>
    public PermissionChecker Owner(FsPath path)
    {
        if (!caller.IsSuperuser && tree.Find(path) is { } inode && inode.Owner != caller.User)
        {
            throw Denied("only its owner or a superuser may do this", path, inode);
        }
        return this;
    }

    /// <summary>The caller owns <paramref name="path"/> or has <paramref name="action"/> on it (HDFS's setTimes).</summary>
    public PermissionChecker OwnerOr(FsPath path, FsAction action)
    {
        if (!caller.IsSuperuser && tree.Find(path) is { } inode && inode.Owner != caller.User)
        {
            Require(inode, path, action);
        }
        return this;
    }

    /// <summary>
    /// Removing or renaming <paramref name="path"/> out of a sticky directory (mode 1xxx, a shared
    /// folder like /tmp): only the child's owner, the directory's owner or a superuser.
    /// </summary>
    public PermissionChecker Sticky(FsPath path)
    {
        if (caller.IsSuperuser || path.IsRoot || tree.Find(path.Parent) is not DirectoryInode parent || (parent.Permission & StickyBit) == 0)
        {
            return this;
        }
        if (tree.Find(path) is { } child && child.Owner != caller.User && parent.Owner != caller.User)
        {
            throw Denied($"the sticky bit is set on {path.Parent}: only the owner of the entry or of the folder may remove or rename it", path, child);
        }
        return this;
    }

    /// <summary>Superusers only (quotas, changing an owner).</summary>
    public PermissionChecker Superuser(string what)
    {
        if (!caller.IsSuperuser)
        {
            throw new CkptFsException(ErrorCode.PermissionDenied, $"Permission denied: user={caller.User} is not a superuser; only superusers may {what}.");
        }
        return this;
    }

    /// <summary>A group change: to a group the caller is in, unless a superuser.</summary>
    public PermissionChecker MemberOf(string group)
    {
        if (!caller.IsSuperuser && !caller.Groups.Contains(group))
        {
            throw new CkptFsException(ErrorCode.PermissionDenied, $"Permission denied: user={caller.User} is not in group {group}; only its members (or a superuser) may give a file to it.");
        }
        return this;
    }

    /// <summary>The bits that apply to the caller: owner's if it owns the inode, else group's if in its group, else other's.</summary>
    public static FsAction Granted(Inode inode, Caller caller)
    {
        var mode = inode.Permission;
        var bits = inode.Owner == caller.User ? (mode >> 6) & 7 : caller.Groups.Contains(inode.Group) ? (mode >> 3) & 7 : mode & 7;
        return (FsAction)bits;
    }

    private void Require(Inode inode, FsPath path, FsAction action)
    {
        if ((Granted(inode, caller) & action) != action)
        {
            throw Denied(null, path, inode, action);
        }
    }

    private CkptFsException Denied(string? why, FsPath path, Inode inode, FsAction action = FsAction.None)
    {
        var access = action == FsAction.None ? string.Empty : $", access={Name(action)}";
        var reason = why is null ? string.Empty : $" ({why})";
        return new CkptFsException(ErrorCode.PermissionDenied,
            $"Permission denied: user={caller.User}{access}, inode=\"{path}\":{inode.Owner}:{inode.Group}:{Mode(inode)}{reason}.");
    }

    private static string Name(FsAction action) => action switch
    {
        FsAction.Read => "READ",
        FsAction.Write => "WRITE",
        FsAction.Execute => "EXECUTE",
        FsAction.ReadExecute => "READ_EXECUTE",
        FsAction.WriteExecute => "WRITE_EXECUTE",
        FsAction.All => "ALL",
        _ => action.ToString().ToUpperInvariant(),
    };

    /// <summary>drwxr-xr-t as ls -l prints it.</summary>
    public static string Mode(Inode inode)
    {
        var text = new StringBuilder(inode.IsDirectory ? "d" : "-");
        for (var shift = 6; shift >= 0; shift -= 3)
        {
            var bits = (inode.Permission >> shift) & 7;
            text.Append((bits & 4) != 0 ? 'r' : '-').Append((bits & 2) != 0 ? 'w' : '-');
            var execute = (bits & 1) != 0;
            text.Append(shift == 0 && (inode.Permission & StickyBit) != 0 ? (execute ? 't' : 'T') : execute ? 'x' : '-');
        }
        return text.ToString();
    }
}
