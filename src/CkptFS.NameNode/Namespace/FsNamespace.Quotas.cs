using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

public sealed partial class FsNamespace
{
    /// <summary>
    /// Sets or clears a directory's quotas (HDFS setQuota, setSpaceQuota, clrQuota, clrSpaceQuota):
    /// a null limit is left as it is, 0 clears it. A limit below the current usage is accepted, as in
    /// HDFS: nothing is removed, but the subtree cannot grow until it is back under.
    /// </summary>
    public Task<NamespaceEntry> SetQuotaAsync(FsPath path, long? namespaceLimit, long? spaceLimit, CancellationToken cancellationToken = default)
    {
        if (namespaceLimit is < 0 || spaceLimit is < 0)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot set the quota of {path}: a limit must be positive (0 clears it).");
        }
        _blocks.ThrowIfSafeMode($"set the quota of {path}");
        return _committer.SubmitAsync(context =>
        {
            var directory = context.Tree.Get(path) as DirectoryInode
                ?? throw new CkptFsException(ErrorCode.NotADirectory, $"Cannot set a quota on {path}: quotas are set on directories, and it is a file.");
            var quota = new DirectoryQuota(namespaceLimit ?? directory.Quota.NamespaceLimit, spaceLimit ?? directory.Quota.SpaceLimit);
            if (quota == directory.Quota)
            {
                return new NamespaceEntry(path, directory);
            }
            var changed = directory with { Quota = quota };
            context.Put(changed);
            context.Tree = context.Tree.WithReplaced(path, changed);
            return new NamespaceEntry(path, changed);
        }, cancellationToken);
    }

    /// <summary>
    /// Refuses a change that makes a quota directory above <paramref name="changed"/> exceed its
    /// limit (HDFS verifyQuota). Called inside the mutation after the new tree is built, so it sees
    /// the exact usage the change leads to; throwing rolls the mutation back. Only growth is refused:
    /// a subtree already over a lowered limit may still shrink, and a change that leaves its usage
    /// as it was (a rename within the directory) passes. <paramref name="changed"/>'s own quota is
    /// not checked: a moved directory's subtree does not change.
    /// </summary>
    internal static void VerifyQuotas(NamespaceTree before, NamespaceTree after, FsPath changed, string action)
    {
        DirectoryInode? was = before.Root;
        var now = after.Root;
        for (var depth = 0; depth < changed.Depth; depth++)
        {
            if (now.Quota.IsSet)
            {
                VerifyQuota(changed.Ancestor(depth), now.Quota, was?.Usage ?? default, now.Usage, action);
            }
            var name = changed.Components[depth];
            if (depth + 1 == changed.Depth || now.Children.GetValueOrDefault(name) is not DirectoryInode next)
            {
                return;
            }
            was = was?.Children.GetValueOrDefault(name) as DirectoryInode;
            now = next;
        }
    }

    private static void VerifyQuota(FsPath directory, DirectoryQuota quota, SubtreeUsage was, SubtreeUsage now, string action)
    {
        if (quota.NamespaceLimit > 0 && now.Namespace > quota.NamespaceLimit && now.Namespace > was.Namespace)
        {
            throw new CkptFsException(ErrorCode.QuotaExceeded,
                $"Cannot {action}: the namespace quota of {directory} is exceeded: quota = {quota.NamespaceLimit} files and directories "
                + $"(the directory itself included), this would make {now.Namespace}.");
        }
        if (quota.SpaceLimit > 0 && now.SpaceCharged > quota.SpaceLimit && now.SpaceCharged > was.SpaceCharged)
        {
            throw new CkptFsException(ErrorCode.QuotaExceeded,
                $"Cannot {action}: the space quota of {directory} is exceeded: quota = {Bytes(quota.SpaceLimit)}, "
                + $"this would need {Bytes(now.SpaceCharged)} (bytes x replication, a block being written counted at its full block size).");
        }
    }

    private static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : $"{bytes} B ({value:0.#} {units[unit]})";
    }
}
