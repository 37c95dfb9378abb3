using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// The store's record of one replica. State, genstamp, paths, owner and flags change only under the
/// store's lock; the byte counters are written by the one owner and read by anyone, so they go through
/// Interlocked.
/// </summary>
internal sealed class Replica(BlockId id, GenerationStamp generationStamp, StorageVolume volume, int bytesPerChecksum)
{
    private long _bytesOnDisk;
    private long _bytesAcknowledged;

    public BlockId Id { get; } = id;

    /// <summary>Changes only when a recovery gives the replica a new genstamp (its meta file is renamed with it).</summary>
    public GenerationStamp GenerationStamp { get; set; } = generationStamp;

    public StorageVolume Volume { get; } = volume;

    public int BytesPerChecksum { get; } = bytesPerChecksum;

    public ReplicaState State { get; set; } = ReplicaState.Rbw;

    public string DataPath { get; set; } = "";

    public string MetaPath { get; set; } = "";

    /// <summary>Who holds the replica's files now (a writer or a recovery step); null when nobody does.</summary>
    public ReplicaOwner? Owner { get; set; }

    /// <summary>
    /// The id of the block recovery this replica is under (INIT_REPLICA_RECOVERY), 0 when none. An rbw
    /// replica under recovery refuses new writers and is finalized only by that recovery's UPDATE.
    /// Kept in memory only: after a restart the replica is plain rbw again and the NameNode retries
    /// with a new id.
    /// </summary>
    public ulong RecoveryId { get; set; }

    /// <summary>Removed from the store (deleted or discarded): its writer must not finalize it.</summary>
    public bool Removed { get; set; }

    public long BytesOnDisk
    {
        get => Interlocked.Read(ref _bytesOnDisk);
        set => Interlocked.Exchange(ref _bytesOnDisk, value);
    }

    /// <summary>Bytes every replica of the pipeline acknowledged: what readers of an rbw replica may see.</summary>
    public long BytesAcknowledged
    {
        get => Interlocked.Read(ref _bytesAcknowledged);
        set => Interlocked.Exchange(ref _bytesAcknowledged, value);
    }

    /// <summary>Finalized replicas show their length on disk, rbw ones the bytes acknowledged (ReplicaReport's rule).</summary>
    public long VisibleLength => State == ReplicaState.Finalized ? BytesOnDisk : BytesAcknowledged;

    public ReplicaReport ToReport() => new()
    {
        Block = new ExtendedBlock { BlockId = Id.Value, GenerationStamp = GenerationStamp.Value, NumBytes = (ulong)VisibleLength },
        State = State,
        StorageId = Volume.StorageId,
    };
}
