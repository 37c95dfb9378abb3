using CkptFS.NameNode.DataNodes;

namespace CkptFS.NameNode.Namespace;

/// <summary>A block AddBlock allocated: where it starts in the file and its pipeline, in order.</summary>
public sealed record AllocatedBlock(FileBlock Block, long Offset, IReadOnlyList<DatanodeSnapshot> Targets);
