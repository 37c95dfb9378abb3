namespace CkptFS.NameNode.Namespace;

/// <summary>
/// GetBlockLocations' answer. <see cref="FileLength"/> is the readable length: final for a closed
/// file; for one being written, the sum of its finished blocks and what the writer last reported
/// for its last block (UpdateLength: bytes every replica acknowledged).
/// </summary>
public sealed record BlockLocations(NamespaceEntry Entry, long FileLength, bool UnderConstruction, IReadOnlyList<LocatedFileBlock> Blocks);
