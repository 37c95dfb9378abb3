using System.Collections.Concurrent;
using CkptFS.DataNode.BlockStore;
using CkptFS.Protocol.V1;
using Change = CkptFS.Protocol.V1.IncrementalBlockReportRequest.Types.Change;
using Kind = CkptFS.Protocol.V1.IncrementalBlockReportRequest.Types.Kind;

namespace CkptFS.NameNode.Tests.Link;

/// <summary>A block store stand-in for the NameNode link: replicas in a dictionary, every change raised as the real store does.</summary>
internal sealed class InMemoryReplicaCatalog : IReplicaCatalog
{
    private readonly ConcurrentDictionary<ulong, ReplicaReport> _replicas = new();

    public event Action<Change>? ReplicaChanged;

    public ConcurrentQueue<ExtendedBlock> Deleted { get; } = new();

    public int TransfersInProgress => 0;

    public IReadOnlyList<ReplicaReport> ListReplicas() => [.. _replicas.Values.Select(r => r.Clone())];

    public IReadOnlyList<StorageReport> GetStorageReports() =>
        [new StorageReport { StorageId = "s1", Path = "/mem", CapacityBytes = 1UL << 40, UsedBytes = 0, RemainingBytes = 1UL << 40 }];

    public bool Delete(ExtendedBlock block)
    {
        if (!_replicas.TryGetValue(block.BlockId, out var replica) || replica.Block.GenerationStamp > block.GenerationStamp
            || !_replicas.TryRemove(block.BlockId, out _))
        {
            return false;
        }
        Deleted.Enqueue(block);
        ReplicaChanged?.Invoke(new Change { Replica = replica, Kind = Kind.Deleted });
        return true;
    }

    /// <summary>A replica as the block store has it; raises the change the block store would (rbw: receiving; finalized: received).</summary>
    public void Put(ExtendedBlock block, ReplicaState state, bool raise = true)
    {
        var replica = new ReplicaReport { Block = block.Clone(), State = state, StorageId = "s1" };
        _replicas[block.BlockId] = replica;
        if (raise)
        {
            ReplicaChanged?.Invoke(new Change { Replica = replica, Kind = state == ReplicaState.Finalized ? Kind.Received : Kind.Receiving });
        }
    }
}
