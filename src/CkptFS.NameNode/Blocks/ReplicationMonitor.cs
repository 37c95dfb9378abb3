using CkptFS.Common;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Events;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Blocks;

/// <summary>
/// Keeps every complete block at its replication (HDFS RedundancyMonitor + PendingReconstructionBlocks).
/// Each <see cref="Scan"/> (run every <see cref="ReplicationOptions.RecheckInterval"/> by the server,
/// or directly by tests on a fake clock):
///   1. pending transfers: confirmed (every target reported the replica RECEIVED) ones are forgotten;
///      so are ones whose source died before it was told, and ones older than
///      <see cref="ReplicationOptions.PendingTimeout"/> (the next steps schedule them again);
///   2. under-replicated blocks (a replica its own pipeline has yet to report counts as there for a while,
///      see ReplicationMonitor.Expected.cs; counting replicas on nodes in maintenance, unless fewer than
///      <see cref="ReplicationOptions.MaintenanceMinReplicas"/> are on live nodes), fewest good replicas first (one left before two left), get one
///      transfer each: source = the least busy live node with a finalized good replica, with fewer
///      than <see cref="ReplicationOptions.MaxReplicationStreamsPerNode"/> transfers pending; targets =
///      the placement policy's choice among nodes that hold no replica of the block (not even a
///      corrupt or partial one: the target refuses a block it already has);
///   3. a block with enough good replicas: its corrupt replicas are deleted (so a corrupt replica is
///      deleted only after the repair from a good one is confirmed); extra good replicas (a dead node
///      came back) are deleted from the nodes with the least free space, never below the replication.
/// Replicas on nodes that are dead by the clock do not count, even before the liveness check removes
/// them from the map. Transfers wait in per-source queues that heartbeat replies drain
/// (<see cref="DrainTransfers"/>). Nothing happens in safe mode: the map is incomplete until the
/// reports are in, and repairs decided on it would copy blocks that are not missing.
/// No I/O; time from the injected clock. Its lock is taken after neither the block map's nor the
/// DataNode registry's (it calls them; they never call it).
/// </summary>
public sealed partial class ReplicationMonitor
{
    private readonly object _lock = new();
    private readonly Dictionary<BlockId, ReplicationTransfer> _pending = [];
    private readonly Dictionary<string, List<ReplicationTransfer>> _outbox = new(StringComparer.Ordinal);
    private readonly BlockManager _blocks;
    private readonly DatanodeManager _datanodes;
    private readonly ReplicationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _transfersScheduled;

    /// <summary>Where a confirmed re-replication is recorded for operators (the web UI).</summary>
    public NameNodeEventLog? Events { get; init; }

    public ReplicationMonitor(BlockManager blocks, DatanodeManager datanodes, ReplicationOptions options, TimeProvider time, ILogger<ReplicationMonitor> logger)
    {
        options.Validate();
        _blocks = blocks;
        _datanodes = datanodes;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>One pass of steps 1-3; returns how many transfers it scheduled.</summary>
    public int Scan()
    {
        if (_blocks.InSafeMode)
        {
            return 0;
        }
        var now = _time.GetUtcNow();
        var nodes = _datanodes.GetAll().ToDictionary(n => n.Uuid, StringComparer.Ordinal);
        var inMaintenance = nodes.Values.Where(n => n.State == DatanodeLiveness.InMaintenance).Select(n => n.Uuid).ToHashSet(StringComparer.Ordinal);
        var work = _blocks.ListBlocksNeedingRedundancyWork(inMaintenance)
            .Select(b => (Block: b, Good: GoodReplicas(b, nodes)))
            .OrderBy(w => w.Good.Count)
            .ThenBy(w => w.Block.Block.Id.Value)
            .ToList();
        lock (_lock)
        {
            ForgetFinishedTransfers(work.ToDictionary(w => w.Block.Block.Id, w => w.Good), nodes, now);
            ForgetAwaited(work.Select(w => w.Block.Block.Id));
            var scheduled = 0;
            foreach (var (block, good) in work)
            {
                if (_pending.ContainsKey(block.Block.Id) || good.Count == 0)
                {
                    // Wait for the transfer in flight; with no good replica there is nothing to copy from.
                    continue;
                }
                if (ReplicasMissing(block, good, nodes) is var missing and > 0)
                {
                    // Not counting the replicas its pipeline is still reporting (ReplicationMonitor.Expected.cs).
                    if (missing - AwaitedFromPipeline(block, good, nodes, now) is var toCopy and > 0)
                    {
                        scheduled += TrySchedule(block, good, toCopy, nodes, now) ? 1 : 0;
                    }
                    continue;
                }
                DeleteCorrupt(block, nodes);
                DeleteExcess(block, good, nodes);
            }
            Interlocked.Add(ref _transfersScheduled, scheduled);
            return scheduled;
        }
    }

    /// <summary>Transfers scheduled since start (each a copy of one block): the /metrics counter.</summary>
    public long TransfersScheduled => Interlocked.Read(ref _transfersScheduled);

    /// <summary>The transfers queued for <paramref name="sourceUuid"/> since its last heartbeat (they stay pending until confirmed).</summary>
    public IReadOnlyList<ReplicationTransfer> DrainTransfers(string sourceUuid)
    {
        lock (_lock)
        {
            return _outbox.Remove(sourceUuid, out var queued) ? queued : [];
        }
    }

    /// <summary>Transfers scheduled and not yet confirmed or forgotten.</summary>
    public IReadOnlyList<ReplicationTransfer> GetPending()
    {
        lock (_lock)
        {
            return [.. _pending.Values];
        }
    }

    /// <summary>Finalized good replicas on nodes that are not dead: what counts toward the replication.</summary>
    private static List<string> GoodReplicas(BlockRedundancy block, Dictionary<string, DatanodeSnapshot> nodes) =>
        [.. block.Replicas
            .Where(r => r.Finalized && !r.Corrupt && nodes.TryGetValue(r.DatanodeUuid, out var n) && n.State != DatanodeLiveness.Dead)
            .Select(r => r.DatanodeUuid)];

    private void ForgetFinishedTransfers(Dictionary<BlockId, List<string>> goodByBlock, Dictionary<string, DatanodeSnapshot> nodes, DateTimeOffset now)
    {
        foreach (var transfer in _pending.Values.ToList())
        {
            var id = transfer.Block.Id;
            // A block that needs no work any more is at its replication (or was deleted): done.
            var confirmed = !goodByBlock.TryGetValue(id, out var good) || transfer.Targets.All(t => good.Contains(t.Uuid));
            var sourceDead = !nodes.TryGetValue(transfer.Source, out var source) || source.State == DatanodeLiveness.Dead;
            var timedOut = now - transfer.ScheduledAt >= _options.PendingTimeout;
            if (!confirmed && !sourceDead && !timedOut)
            {
                continue;
            }
            _pending.Remove(id);
            if (_outbox.TryGetValue(transfer.Source, out var queued))
            {
                queued.Remove(transfer);
            }
            if (confirmed)
            {
                LogConfirmed(id, transfer.Source);
                Events?.Add(NameNodeEventKind.ReReplicationDone, id.ToString(),
                    $"Re-replication of block {id} done: copied from {transfer.Source} to {string.Join(", ", transfer.Targets.Select(t => t.Uuid))}");
            }
            else
            {
                LogForgotten(id, transfer.Source, sourceDead ? "its source is dead" : $"no confirmation in {_options.PendingTimeout}");
            }
        }
    }
}
