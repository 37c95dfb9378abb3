using CkptFS.Common;
using CkptFS.NameNode.DataNodes;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Blocks;

/// <summary>Steps 2 and 3 of <see cref="ReplicationMonitor"/>: what to copy where, what to delete.</summary>
public sealed partial class ReplicationMonitor
{
    /// <summary>
    /// New replicas the block needs: up to its replication, counting replicas on nodes in maintenance
    /// (they come back); or, when fewer than <see cref="ReplicationOptions.MaintenanceMinReplicas"/>
    /// (at most the replication) of its good replicas are on other nodes, up to that minimum.
    /// </summary>
    private int ReplicasMissing(BlockRedundancy block, List<string> good, Dictionary<string, DatanodeSnapshot> nodes)
    {
        var minLive = Math.Min(_options.MaintenanceMinReplicas, block.Replication);
        return Math.Max(block.Replication - good.Count, minLive - OutOfMaintenance(good, nodes).Count());
    }

    private static IEnumerable<string> OutOfMaintenance(List<string> good, Dictionary<string, DatanodeSnapshot> nodes) =>
        good.Where(uuid => nodes[uuid].State != DatanodeLiveness.InMaintenance);

    private bool TrySchedule(BlockRedundancy block, List<string> good, int missing, Dictionary<string, DatanodeSnapshot> nodes, DateTimeOffset now)
    {
        var streams = _pending.Values.CountBy(t => t.Source).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var source = good
            .Select(uuid => nodes[uuid])
            .Where(n => n.State == DatanodeLiveness.Live && streams.GetValueOrDefault(n.Uuid) < _options.MaxReplicationStreamsPerNode)
            .OrderBy(n => streams.GetValueOrDefault(n.Uuid))
            .ThenBy(n => n.Load.TransfersInProgress)
            .FirstOrDefault();
        if (source is null)
        {
            // Every holder is busy (or stale): the block waits for a later scan.
            return false;
        }
        var holders = block.Replicas.Select(r => r.DatanodeUuid).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<DatanodeSnapshot> targets;
        try
        {
            targets = _datanodes.ChooseTargets(missing, holders, clientHost: null, block.Block.NumBytes, $"a new replica of {block.Block.Id}");
        }
        catch (CkptFsException exception) when (exception.Code is ErrorCode.NotEnoughDataNodes or ErrorCode.DiskFull)
        {
            LogNoTargets(block.Block.Id, good.Count, block.Replication, exception.Message);
            return false;
        }
        var transfer = new ReplicationTransfer(block.Block, source.Uuid, [.. targets.Select(t => t.Address)], now);
        _pending[block.Block.Id] = transfer;
        if (!_outbox.TryGetValue(source.Uuid, out var queued))
        {
            _outbox[source.Uuid] = queued = [];
        }
        queued.Add(transfer);
        LogScheduled(block.Block.Id, good.Count, block.Replication, source.Uuid, string.Join(", ", targets.Select(t => t.Uuid)));
        return true;
    }

    /// <summary>Called only with enough good replicas: a corrupt one is no longer needed as a last resort for readers.</summary>
    private void DeleteCorrupt(BlockRedundancy block, Dictionary<string, DatanodeSnapshot> nodes)
    {
        foreach (var replica in block.Replicas.Where(r => r.Corrupt && IsReachable(r.DatanodeUuid, nodes)))
        {
            _blocks.InvalidateReplica(block.Block.Id, replica.DatanodeUuid, "corrupt, and the block has enough good replicas");
        }
    }

    /// <summary>
    /// Deletes good replicas beyond the replication, from the nodes with the least free space first
    /// (HDFS chooses by free space too, after racks). Replicas on nodes in maintenance are neither
    /// counted nor chosen: a block topped up for a maintenance keeps its new replicas until the node is back.
    /// </summary>
    private void DeleteExcess(BlockRedundancy block, List<string> good, Dictionary<string, DatanodeSnapshot> nodes)
    {
        var counted = OutOfMaintenance(good, nodes).ToList();
        var excess = counted.Count - block.Replication;
        if (excess <= 0)
        {
            return;
        }
        foreach (var node in counted.Select(uuid => nodes[uuid]).OrderBy(n => n.Load.RemainingBytes).ThenBy(n => n.Uuid, StringComparer.Ordinal).Take(excess))
        {
            _blocks.InvalidateReplica(block.Block.Id, node.Uuid, $"excess: {counted.Count} good replicas on live nodes, replication {block.Replication}");
        }
    }

    private static bool IsReachable(string uuid, Dictionary<string, DatanodeSnapshot> nodes) =>
        nodes.TryGetValue(uuid, out var node) && node.State != DatanodeLiveness.Dead;

    [LoggerMessage(Level = LogLevel.Information, Message = "Replicating {BlockId} ({Good} of {Replication} good replicas) from {Source} to {Targets}")]
    private partial void LogScheduled(BlockId blockId, int good, int replication, string source, string targets);

    /// <summary>Debug: with fewer DataNodes than the replication this repeats every scan for every such block.</summary>
    [LoggerMessage(Level = LogLevel.Debug, Message = "Cannot re-replicate {BlockId} ({Good} of {Replication} good replicas) now: {Reason}")]
    private partial void LogNoTargets(BlockId blockId, int good, int replication, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Replication of {BlockId} from {Source} confirmed")]
    private partial void LogConfirmed(BlockId blockId, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication of {BlockId} from {Source} forgotten, to be scheduled again: {Reason}")]
    private partial void LogForgotten(BlockId blockId, string source, string reason);
}
