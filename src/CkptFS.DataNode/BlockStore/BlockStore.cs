using CkptFS.Common;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// The replicas of this DataNode on its volumes (data folders), and the map from block id to replica
/// rebuilt from disk at construction. Writes go through <see cref="CreateRbw"/> and a
/// <see cref="ReplicaWriter"/>; reads through <see cref="OpenForRead"/>. One replica per block id.
/// The lock guards the map and replica state changes (create, finalize's renames, delete), never
/// data I/O or fsync, so packets of different blocks never wait on each other.
/// </summary>
public sealed partial class BlockStore : IReplicaCatalog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<BlockId, Replica> _replicas = [];
    private readonly IReadOnlyList<StorageVolume> _volumes;
    private readonly DataNodeStorageOptions _options;
    private readonly ILogger<BlockStore> _logger;
    private int _transfersInProgress;
    private int _nextVolume;

    /// <summary>Opens every data folder (creating the layout) and loads the replicas found there.</summary>
    public BlockStore(DataNodeStorageOptions options, ILogger<BlockStore> logger)
    {
        options.Validate();
        _options = options;
        _logger = logger;
        _volumes = [.. options.DataFolders.Select(StorageVolume.Open)];
        foreach (var volume in _volumes)
        {
            LoadVolume(volume);
        }
    }

    /// <inheritdoc />
    public event Action<IncrementalBlockReportRequest.Types.Change>? ReplicaChanged;

    public IReadOnlyList<StorageVolume> Volumes => _volumes;

    /// <inheritdoc />
    public int TransfersInProgress => Volatile.Read(ref _transfersInProgress);

    /// <inheritdoc />
    public IReadOnlyList<ReplicaReport> ListReplicas()
    {
        lock (_lock)
        {
            return [.. _replicas.Values.Select(replica => replica.ToReport())];
        }
    }

    /// <summary>The replica of <paramref name="block"/>, if any: its report (state, genstamp, visible length).</summary>
    public ReplicaReport? Find(BlockId block)
    {
        lock (_lock)
        {
            return _replicas.TryGetValue(block, out var replica) ? replica.ToReport() : null;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<StorageReport> GetStorageReports() =>
        [.. _volumes.Select(volume => volume.Report(_options.ReservedBytesPerVolume))];

    /// <inheritdoc />
    public bool Delete(ExtendedBlock block)
    {
        var id = new BlockId(block.BlockId);
        Replica? replica;
        lock (_lock)
        {
            if (!_replicas.TryGetValue(id, out replica) || replica.GenerationStamp.Value > block.GenerationStamp)
            {
                return false;
            }

            _replicas.Remove(id);
            replica.Removed = true;
        }

        RemoveFiles(replica);
        LogDeleted(_logger, id, replica.GenerationStamp, replica.State, replica.Volume.Root);
        Raise(replica, IncrementalBlockReportRequest.Types.Kind.Deleted);
        return true;
    }

    private void RemoveFiles(Replica replica)
    {
        File.Delete(replica.DataPath);
        File.Delete(replica.MetaPath);
        replica.Volume.AddUsed(-replica.BytesOnDisk);
    }

    private void BeginTransfer() => Interlocked.Increment(ref _transfersInProgress);

    private void EndTransfer() => Interlocked.Decrement(ref _transfersInProgress);

    /// <summary>Tells the NameNode link; a failing handler is logged, never allowed to fail the write or delete.</summary>
    private void Raise(Replica replica, IncrementalBlockReportRequest.Types.Kind kind)
    {
        var handler = ReplicaChanged;
        if (handler is null)
        {
            return;
        }

        var change = new IncrementalBlockReportRequest.Types.Change { Replica = replica.ToReport(), Kind = kind };
        try
        {
            handler(change);
        }
        catch (Exception exception)
        {
            LogHandlerFailed(_logger, exception, replica.Id, kind);
        }
    }
}
