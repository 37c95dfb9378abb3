namespace CkptFS.NameNode.Namespace;

/// <summary>
/// A directory's limits (HDFS setQuota and setSpaceQuota). <see cref="NamespaceLimit"/> caps the
/// files and directories below it, itself included; <see cref="SpaceLimit"/> caps
/// <see cref="SubtreeUsage.SpaceCharged"/> (bytes × replication). 0 means no limit of that kind,
/// so the default value is "no quota" and records written before quotas existed load as such.
/// </summary>
public readonly record struct DirectoryQuota(long NamespaceLimit, long SpaceLimit)
{
    public static readonly DirectoryQuota None = default;

    public bool IsSet => NamespaceLimit > 0 || SpaceLimit > 0;
}
