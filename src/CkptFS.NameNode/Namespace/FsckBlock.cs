using CkptFS.Common;
using CkptFS.NameNode.DataNodes;

namespace CkptFS.NameNode.Namespace;

/// <summary>One block as fsck saw it: expected replicas, and where the good and the corrupt ones are.</summary>
public sealed record FsckBlock(FsPath Path, FileBlock Block, int ExpectedReplicas, IReadOnlyList<DatanodeSnapshot> Live, IReadOnlyList<DatanodeSnapshot> Corrupt);
