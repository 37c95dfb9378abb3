namespace CkptFS.NameNode.Namespace;

/// <summary>What <c>du</c> reports: bytes and counts below a path, and the raw space replicas take.</summary>
public readonly record struct ContentSummary(long Length, long FileCount, long DirectoryCount, long SpaceConsumed);
