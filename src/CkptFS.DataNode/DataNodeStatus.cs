using CkptFS.DataNode.Scanner;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode;

/// <summary>
/// What the DataNode's status page and GET /api/v1/status show: identity, each volume with its
/// replicas (counts and bytes, finalized and being written) and the block scanner's progress. Read
/// from the block store and the scanner as they are; the HTTP port opens before the scanner
/// exists (its port is part of the identity the link registers), so <see cref="Scanner"/> is set later.
/// </summary>
internal sealed class DataNodeStatus(string nodeId, BlockStore.BlockStore store, DataNodeOptions options, Func<bool> registered, TimeProvider time)
{
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public BlockScanner? Scanner { get; set; }

    public DataNodeStatusJson Snapshot()
    {
        var replicas = store.ListReplicas();
        var volumes = store.GetStorageReports().Select(volume =>
        {
            var mine = replicas.Where(r => r.StorageId == volume.StorageId).ToList();
            var finalized = mine.Where(r => r.State == ReplicaState.Finalized).ToList();
            var writing = mine.Where(r => r.State == ReplicaState.Rbw).ToList();
            return new VolumeJson(volume.StorageId, volume.Path, volume.Failed, (long)volume.CapacityBytes, (long)volume.UsedBytes, (long)volume.RemainingBytes,
                finalized.Count, finalized.Sum(r => (long)r.Block.NumBytes), writing.Count, writing.Sum(r => (long)r.Block.NumBytes));
        }).ToList();
        return new DataNodeStatusJson(nodeId, options.NameNode.NameNodeAddress, registered(), options.Location, _started.UtcDateTime, time.GetUtcNow().UtcDateTime,
            new ReplicaTotalsJson(volumes.Sum(v => v.FinalizedReplicas), volumes.Sum(v => v.FinalizedBytes), volumes.Sum(v => v.WritingReplicas), volumes.Sum(v => v.WritingBytes)),
            store.TransfersInProgress, volumes, Scanner?.Progress);
    }
}

internal sealed record DataNodeStatusJson(
    string Uuid, string NameNode, bool Registered, string Location, DateTime Started, DateTime Now,
    ReplicaTotalsJson Replicas, int TransfersInProgress, IReadOnlyList<VolumeJson> Volumes, BlockScannerProgress? Scanner);

internal sealed record ReplicaTotalsJson(int Finalized, long FinalizedBytes, int Writing, long WritingBytes);

internal sealed record VolumeJson(
    string StorageId, string Path, bool Failed, long CapacityBytes, long UsedBytes, long RemainingBytes,
    int FinalizedReplicas, long FinalizedBytes, int WritingReplicas, long WritingBytes);
