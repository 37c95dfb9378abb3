using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// What the DataNode's link to the NameNode needs from the block store: the replicas it holds (for
/// block reports), its storage figures (for heartbeats), their changes (for incremental reports),
/// and deletion (the NameNode's delete command).
/// </summary>
public interface IReplicaCatalog
{
    /// <summary>Every replica: finalized ones with their length on disk, rbw ones with the bytes acknowledged.</summary>
    IReadOnlyList<ReplicaReport> ListReplicas();

    /// <summary>One report per data folder: capacity, used by replicas, remaining.</summary>
    IReadOnlyList<StorageReport> GetStorageReports();

    /// <summary>Reads and writes being served now.</summary>
    int TransfersInProgress { get; }

    /// <summary>
    /// Deletes the replica of <paramref name="block"/> if this node holds it with a generation stamp
    /// not newer than the block's (the NameNode's view); false when there was nothing to delete.
    /// </summary>
    bool Delete(ExtendedBlock block);

    /// <summary>Raised after a replica is created (rbw), finalized, or deleted. Handlers must not block.</summary>
    event Action<IncrementalBlockReportRequest.Types.Change>? ReplicaChanged;
}
