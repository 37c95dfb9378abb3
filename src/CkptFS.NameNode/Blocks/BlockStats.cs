namespace CkptFS.NameNode.Blocks;

/// <summary>
/// Cluster-wide block figures (ckptfs report). Blocks under construction count in
/// <see cref="TotalBlocks"/> only: they may legitimately have no replica yet.
/// </summary>
public readonly record struct BlockStats(long TotalBlocks, long MissingBlocks, long UnderReplicatedBlocks, long CorruptReplicas);
