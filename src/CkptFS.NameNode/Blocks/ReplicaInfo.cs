using CkptFS.Common;

namespace CkptFS.NameNode.Blocks;

/// <summary>One DataNode's replica of a block, as last reported; mutable, guarded by the BlockManager's lock.</summary>
internal sealed class ReplicaInfo(string datanodeUuid)
{
    public string DatanodeUuid { get; } = datanodeUuid;

    public ReplicaKind Kind { get; set; }

    public GenerationStamp GenerationStamp { get; set; }

    public long NumBytes { get; set; }

    /// <summary>
    /// Set by a bad-block report or a report that contradicts the committed block; a corrupt replica
    /// stays corrupt until it is deleted (the DataNode still holds the same bad bytes).
    /// </summary>
    public bool Corrupt { get; set; }
}
