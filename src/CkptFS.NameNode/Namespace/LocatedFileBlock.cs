using CkptFS.NameNode.DataNodes;

namespace CkptFS.NameNode.Namespace;

/// <summary>
/// A block of a file with the DataNodes to read it from, nearest first. <see cref="Corrupt"/>: every
/// known replica is corrupt (they are listed anyway: a reader may still salvage bytes).
/// </summary>
public sealed record LocatedFileBlock(FileBlock Block, long Offset, IReadOnlyList<DatanodeSnapshot> Locations, bool Corrupt);
