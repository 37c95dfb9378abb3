using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Blocks;

/// <summary>
/// A complete block whose replicas do not match its replication (too few or too many finalized good
/// ones) or that has a corrupt replica: the replication monitor's input, copied out of the map's lock.
/// <paramref name="ExpectedTargets"/> is the pipeline that wrote it (empty after a NameNode restart):
/// nodes whose report of the finalized replica may still be on its way.
/// </summary>
public sealed record BlockRedundancy(FileBlock Block, int Replication, IReadOnlyList<ReplicaHealth> Replicas, IReadOnlyList<string> ExpectedTargets);
