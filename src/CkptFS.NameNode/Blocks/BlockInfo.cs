using CkptFS.Common;

namespace CkptFS.NameNode.Blocks;

/// <summary>
/// The block manager's record of one block: what the namespace expects (genstamp, length,
/// replication, owning file) and where its replicas are. Mutable, guarded by the BlockManager's lock.
/// </summary>
internal sealed class BlockInfo(BlockId id, InodeId inode, int replication)
{
    public BlockId Id { get; } = id;

    public InodeId Inode { get; } = inode;

    public int Replication { get; } = replication;

    public GenerationStamp GenerationStamp { get; set; }

    public long NumBytes { get; set; }

    /// <summary>
    /// The last block of a file under construction: its length is not final and it may never get a
    /// replica (the writer may die before any byte reaches a DataNode), so it does not count toward
    /// safe mode, missing or under-replicated figures.
    /// </summary>
    public bool UnderConstruction { get; set; }

    /// <summary>The pipeline AddBlock chose: readers use it until replicas are reported (empty after a restart).</summary>
    public IReadOnlyList<string> ExpectedTargets { get; set; } = [];

    public List<ReplicaInfo> Replicas { get; } = [];

    public ReplicaInfo? Find(string datanodeUuid) => Replicas.Find(r => r.DatanodeUuid == datanodeUuid);

    /// <summary>Replicas that are not corrupt, in any state.</summary>
    public int LiveReplicas => Replicas.Count(r => !r.Corrupt);

    /// <summary>Finalized, not corrupt replicas: what minimum replication and safe mode count.</summary>
    public int FinalizedReplicas => Replicas.Count(r => !r.Corrupt && r.Kind == ReplicaKind.Finalized);

    public int CorruptReplicas => Replicas.Count(r => r.Corrupt);
}
