using CkptFS.Common;

namespace CkptFS.NameNode.Blocks;

/// <summary>One replica as a DataNode reported it (full or incremental report).</summary>
public readonly record struct ReportedReplica(BlockId Id, GenerationStamp GenerationStamp, long NumBytes, ReplicaKind Kind);
