using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

public sealed partial class FsNamespace
{
    /// <summary>The largest mode SetPermission takes: setuid, setgid, sticky and rwx for user, group, other (07777).</summary>
    public const uint MaxPermission = 0b111_111_111_111;

    /// <summary>An owner or group is a name, not a payload: every inode record carries it.</summary>
    public const int MaxOwnerNameLength = 256;

    private static readonly long MinTimeMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxTimeMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>
    /// Sets the modification and/or access time of a file or directory (HDFS setTimes, utimens).
    /// A null time is left as it is; both null only checks that <paramref name="path"/> exists
    /// (utimensat with UTIME_OMIT twice writes nothing). The parent directory's modification time
    /// does not change. A file still being written takes the time of its close when it closes.
    /// </summary>
    public Task<NamespaceEntry> SetTimesAsync(FsPath path, long? modificationTimeMs, long? accessTimeMs, CancellationToken cancellationToken = default)
    {
        ValidateTime(path, modificationTimeMs, "modification");
        ValidateTime(path, accessTimeMs, "access");
        _blocks.ThrowIfSafeMode($"set the times of {path}");
        return ChangeAttributesAsync(path, inode => inode with
        {
            ModificationTimeMs = modificationTimeMs ?? inode.ModificationTimeMs,
            AccessTimeMs = accessTimeMs ?? inode.AccessTimeMs,
        }, cancellationToken);
    }

    /// <summary>Sets the mode bits of a file or directory (HDFS setPermission, chmod); 0 is a valid mode, not "the default".</summary>
    public Task<NamespaceEntry> SetPermissionAsync(FsPath path, uint permission, CancellationToken cancellationToken = default)
    {
        if (permission > MaxPermission)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument,
                $"Cannot change the permission of {path}: {Convert.ToString(permission, 8)} is not a valid mode (at most 7777 octal).");
        }
        _blocks.ThrowIfSafeMode($"change the permission of {path}");
        var mode = (ushort)permission;
        return ChangeAttributesAsync(path, inode => inode with { Permission = mode }, cancellationToken);
    }

    /// <summary>
    /// Sets the owner and/or group of a file or directory (HDFS setOwner, chown); a null one is left
    /// as it is, and at least one must be given. Names are recorded as given: CkptFS checks no
    /// permissions yet, so neither who asks nor whether the user or group exists is checked.
    /// </summary>
    public Task<NamespaceEntry> SetOwnerAsync(FsPath path, string? owner, string? group, CancellationToken cancellationToken = default)
    {
        if (owner is null && group is null)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot change the owner of {path}: give an owner, a group or both.");
        }
        ValidateOwnerName(path, owner, "owner");
        ValidateOwnerName(path, group, "group");
        _blocks.ThrowIfSafeMode($"change the owner of {path}");
        return ChangeAttributesAsync(path, inode => inode with { Owner = owner ?? inode.Owner, Group = group ?? inode.Group }, cancellationToken);
    }

    /// <summary>
    /// Replaces the inode at <paramref name="path"/> with <paramref name="change"/>'s result, in place
    /// (same id, name, parent and children), as one durable record. An unchanged inode writes nothing.
    /// </summary>
    private Task<NamespaceEntry> ChangeAttributesAsync(FsPath path, Func<Inode, Inode> change, CancellationToken cancellationToken) =>
        _committer.SubmitAsync(context =>
        {
            var current = context.Tree.Get(path);
            var changed = change(current);
            if (changed == current)
            {
                return new NamespaceEntry(path, current);
            }
            context.Put(changed);
            context.Tree = context.Tree.WithReplaced(path, changed);
            return new NamespaceEntry(path, changed);
        }, cancellationToken);

    /// <summary>Every client turns times into DateTimeOffset (or the like): one outside its years 1..9999 would break them all.</summary>
    private static void ValidateTime(FsPath path, long? timeMs, string which)
    {
        if (timeMs is { } ms && (ms < MinTimeMs || ms > MaxTimeMs))
        {
            throw new CkptFsException(ErrorCode.InvalidArgument,
                $"Cannot set the times of {path}: {which} time {ms} ms is outside the years 1 to 9999 ({MinTimeMs}..{MaxTimeMs} ms from 1970).");
        }
    }

    private static void ValidateOwnerName(FsPath path, string? name, string which)
    {
        if (name is null)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxOwnerNameLength || name.Any(char.IsControl))
        {
            throw new CkptFsException(ErrorCode.InvalidArgument,
                $"Cannot change the owner of {path}: {which} '{name}' is not a valid name (1..{MaxOwnerNameLength} characters, not blank, no control characters).");
        }
    }
}
