namespace CkptFS.NameNode.Namespace;

/// <summary>
/// What <c>du</c> reports: bytes and counts below a path, and the raw space replicas take; with the
/// path's quota (none for a file) and the space that quota counts (<see cref="SubtreeUsage.SpaceCharged"/>).
/// </summary>
public readonly record struct ContentSummary(long Length, long FileCount, long DirectoryCount, long SpaceConsumed)
{
    public DirectoryQuota Quota { get; init; }

    public long SpaceCharged { get; init; }

    /// <summary>Files plus directories: what a namespace quota counts.</summary>
    public long NamespaceCount => FileCount + DirectoryCount;
}
