using CkptFS.Common;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Namespace;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CkptFS.NameNode.Tests;

/// <summary>
/// The replication monitor on a real block map and DataNode registry, driven by a fake clock: a node
/// is dead after 2 × 5 s + 10 × 1 s = 20 s without a heartbeat, stale after 5 s.
/// </summary>
public sealed partial class ReplicationMonitorTests : IDisposable
{
    private static readonly TimeSpan PendingTimeout = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly BlockManager _blocks = new(new BlockManagerOptions(), NullLogger<BlockManager>.Instance);
    private readonly DatanodeManager _datanodes;
    private readonly Dictionary<string, long> _remaining = new(StringComparer.Ordinal);
    private ulong _nextBlockId = 1;

    public ReplicationMonitorTests()
    {
        var options = new DatanodeManagerOptions
        {
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            StaleInterval = TimeSpan.FromSeconds(5),
            RecheckInterval = TimeSpan.FromSeconds(5),
        };
        _datanodes = new DatanodeManager(_time, options, _blocks, new Random(42), NullLogger<DatanodeManager>.Instance);
    }

    public void Dispose() => _datanodes.Dispose();

    [Fact]
    public void ADeadNodesBlocksAreCopiedFromALiveReplicaWithinThePerNodeBound()
    {
        AddNodes("dn1", "dn2", "dn3", "dn4");
        var blocks = Enumerable.Range(0, 5).Select(_ => NewBlock(2, "dn1", "dn2")).ToList();
        var monitor = NewMonitor();
        Assert.Equal(0, monitor.Scan());

        KillAndWaitUntilDead("dn2", alive: ["dn1", "dn3", "dn4"]);
        Assert.Equal(2, monitor.Scan());
        var sent = monitor.DrainTransfers("dn1");
        Assert.Equal(2, sent.Count);
        Assert.All(sent, t =>
        {
            Assert.Equal("dn1", t.Source);
            var target = Assert.Single(t.Targets);
            Assert.Contains(target.Uuid, new[] { "dn3", "dn4" });
        });
        Assert.Empty(monitor.DrainTransfers("dn1"));
        Assert.Equal(0, monitor.Scan());

        // One target confirms: its stream is free again and the next block is scheduled.
        Received(sent[0].Targets[0].Uuid, sent[0].Block);
        Assert.Equal(1, monitor.Scan());
        Assert.DoesNotContain(monitor.GetPending(), t => t.Block.Id == sent[0].Block.Id);
        Assert.Equal(2, monitor.GetPending().Count);
        Assert.Equal(2, _blocks.GetReplicas(sent[0].Block.Id).Live.Count);
        Assert.All(monitor.GetPending(), t => Assert.Contains(t.Block.Id, blocks.Select(b => b.Id)));
    }

    [Fact]
    public void ABlockWithOneGoodReplicaGoesBeforeABlockWithTwo()
    {
        AddNodes("dn1", "dn2", "dn3", "dn4");
        var twoLeft = NewBlock(3, "dn1", "dn2");
        var oneLeft = NewBlock(3, "dn1");
        // dn2 stale: its replica counts, but only dn1 can send, and one stream at a time.
        Step(TimeSpan.FromSeconds(6), alive: ["dn1", "dn3", "dn4"]);
        Assert.Equal(DatanodeLiveness.Stale, _datanodes.Find("dn2")!.State);
        var monitor = NewMonitor(maxStreams: 1);

        Assert.Equal(1, monitor.Scan());
        var transfer = Assert.Single(monitor.DrainTransfers("dn1"));
        Assert.Equal(oneLeft.Id, transfer.Block.Id);
        Assert.Equal(2, transfer.Targets.Count);
        Assert.DoesNotContain(monitor.GetPending(), t => t.Block.Id == twoLeft.Id);
    }

    [Fact]
    public void AnUnconfirmedTransferIsForgottenAfterTheTimeoutAndScheduledAgain()
    {
        AddNodes("dn1", "dn2", "dn3");
        var block = NewBlock(2, "dn1");
        var monitor = NewMonitor();
        Assert.Equal(1, monitor.Scan());
        var first = Assert.Single(monitor.DrainTransfers("dn1"));

        Step(PendingTimeout - TimeSpan.FromSeconds(1), alive: ["dn1", "dn2", "dn3"]);
        Assert.Equal(0, monitor.Scan());
        Assert.Empty(monitor.DrainTransfers("dn1"));

        Step(TimeSpan.FromSeconds(1), alive: ["dn1", "dn2", "dn3"]);
        Assert.Equal(1, monitor.Scan());
        var second = Assert.Single(monitor.DrainTransfers("dn1"));
        Assert.Equal(block.Id, second.Block.Id);
        Assert.Equal(first.ScheduledAt + PendingTimeout, second.ScheduledAt);
    }

    [Fact]
    public void AnExcessReplicaIsDeletedFromTheNodeWithTheLeastSpaceNeverBelowTheReplication()
    {
        AddNodes("dn1", "dn3");
        AddNode("dn2", remainingBytes: 1L << 30);
        var block = NewBlock(2, "dn1", "dn2", "dn3");
        var monitor = NewMonitor();

        Assert.Equal(0, monitor.Scan());
        Assert.Equal(["dn1", "dn3"], _blocks.GetReplicas(block.Id).Live.Order(StringComparer.Ordinal));
        Assert.Equal(block.Id, Assert.Single(_blocks.DrainDeletes("dn2")).Id);

        monitor.Scan();
        Assert.Equal(0, _blocks.CountPendingDeletes("dn1") + _blocks.CountPendingDeletes("dn3"));
        Assert.Equal(2, _blocks.GetReplicas(block.Id).Live.Count);
    }

    [Fact]
    public void ACorruptReplicaIsReplacedFirstAndDeletedOnceTheCopyIsConfirmed()
    {
        AddNodes("dn1", "dn2", "dn3");
        var block = NewBlock(2, "dn1", "dn2");
        Assert.True(_blocks.MarkCorrupt(block.Id, "dn2", "checksum mismatch"));
        var monitor = NewMonitor();

        Assert.Equal(1, monitor.Scan());
        var transfer = Assert.Single(monitor.DrainTransfers("dn1"));
        Assert.Equal("dn3", Assert.Single(transfer.Targets).Uuid);
        Assert.Equal(0, _blocks.CountPendingDeletes("dn2"));

        Received("dn3", block);
        Assert.Equal(0, monitor.Scan());
        Assert.Empty(monitor.GetPending());
        Assert.Equal(block.Id, Assert.Single(_blocks.DrainDeletes("dn2")).Id);
        Assert.Empty(_blocks.GetReplicas(block.Id).Corrupt);
    }

    [Fact]
    public void ACorruptReplicaOfABlockWithEnoughGoodOnesIsDeletedAtOnce()
    {
        AddNodes("dn1", "dn2", "dn3");
        var block = NewBlock(2, "dn1", "dn2", "dn3");
        Assert.True(_blocks.MarkCorrupt(block.Id, "dn3", "checksum mismatch"));
        var monitor = NewMonitor();

        Assert.Equal(0, monitor.Scan());
        Assert.Empty(monitor.GetPending());
        Assert.Equal(block.Id, Assert.Single(_blocks.DrainDeletes("dn3")).Id);
        Assert.Equal(0, _blocks.CountPendingDeletes("dn1") + _blocks.CountPendingDeletes("dn2"));
    }

    [Fact]
    public void ABlockWithNoGoodReplicaKeepsItsCorruptOneAndSchedulesNothing()
    {
        AddNodes("dn1", "dn2");
        var block = NewBlock(2, "dn1");
        Assert.True(_blocks.MarkCorrupt(block.Id, "dn1", "checksum mismatch"));
        var monitor = NewMonitor();

        Assert.Equal(0, monitor.Scan());
        Assert.Equal(0, _blocks.CountPendingDeletes("dn1"));
        Assert.Equal(["dn1"], _blocks.GetReplicas(block.Id).Corrupt);
    }

    private ReplicationMonitor NewMonitor(int maxStreams = 2, int maintenanceMinReplicas = 1) =>
        new(_blocks, _datanodes, new ReplicationOptions { MaxReplicationStreamsPerNode = maxStreams, PendingTimeout = PendingTimeout, MaintenanceMinReplicas = maintenanceMinReplicas }, _time,
            NullLogger<ReplicationMonitor>.Instance);

    private void AddNodes(params string[] uuids)
    {
        foreach (var uuid in uuids)
        {
            AddNode(uuid);
        }
    }

    private void AddNode(string uuid, long remainingBytes = 1L << 40)
    {
        _remaining[uuid] = remainingBytes;
        _datanodes.Register(new DatanodeAddress(uuid, $"host-{uuid}", 9866, 9864, 0, "/rack-a"));
        Heartbeat(uuid);
    }

    private void Heartbeat(string uuid) =>
        Assert.True(_datanodes.Heartbeat(uuid, new DatanodeLoad(2L << 40, 0, _remaining[uuid], 0)));

    /// <summary>Advances the clock a second at a time, the <paramref name="alive"/> nodes heartbeating each second.</summary>
    private void Step(TimeSpan duration, params string[] alive)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += TimeSpan.FromSeconds(1))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            foreach (var uuid in alive)
            {
                Heartbeat(uuid);
            }
        }
    }

    private void KillAndWaitUntilDead(string uuid, params string[] alive)
    {
        Step(_datanodes.Options.DeadInterval + TimeSpan.FromSeconds(1), alive);
        Assert.Equal(DatanodeLiveness.Dead, _datanodes.Find(uuid)!.State);
        Assert.Equal(0, _blocks.CountReplicasOn(uuid));
    }

    /// <summary>A complete block of <paramref name="replication"/> with finalized replicas on <paramref name="holders"/>.</summary>
    private FileBlock NewBlock(int replication, params string[] holders)
    {
        var block = new FileBlock(new BlockId(_nextBlockId++), new GenerationStamp(1001), 4096);
        _blocks.AddBlock(block, new InodeId(16386), replication, holders);
        _blocks.UpdateBlock(block, complete: true);
        foreach (var holder in holders)
        {
            Received(holder, block);
        }
        return block;
    }

    private void Received(string uuid, FileBlock block) =>
        _blocks.ProcessIncrementalReport(uuid, [(new ReportedReplica(block.Id, block.GenerationStamp, block.NumBytes, ReplicaKind.Finalized), ReplicaChange.Received)]);
}
