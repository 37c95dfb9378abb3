using CkptFS.NameNode.DataNodes;

namespace CkptFS.NameNode.Tests;

/// <summary>
/// Maintenance and the replication monitor: replicas on a node in maintenance still count, so a
/// rolling restart copies nothing, except blocks left with fewer than MaintenanceMinReplicas (1) on
/// live nodes; when the maintenance ends without the node, its replicas are re-replicated as a dead node's.
/// </summary>
public sealed partial class ReplicationMonitorTests
{
    [Fact]
    public void ANodeInMaintenanceCausesNoCopyWhileEachBlockKeepsALiveReplica()
    {
        AddNodes("dn1", "dn2", "dn3");
        NewBlock(2, "dn1", "dn2");
        NewBlock(2, "dn2", "dn3");
        NewBlock(3, "dn1", "dn2", "dn3");
        var monitor = NewMonitor();
        Assert.True(_datanodes.EnterMaintenance("dn2", "SIGTERM"));

        // Past the dead interval (20 s here), dn2 silent: still in maintenance, nothing copied.
        Step(_datanodes.Options.DeadInterval + TimeSpan.FromSeconds(5), "dn1", "dn3");
        Assert.Equal(DatanodeLiveness.InMaintenance, _datanodes.Find("dn2")!.State);
        Assert.Equal(0, monitor.Scan());
        Assert.Equal(0, monitor.TransfersScheduled);
        Assert.Equal(3, _blocks.CountReplicasOn("dn2"));
    }

    [Fact]
    public void ABlockWithNoLiveReplicaLeftIsCopiedAndKeepsTheCopyUntilTheNodeIsBack()
    {
        AddNodes("dn1", "dn2", "dn3");
        var only = NewBlock(1, "dn2");
        NewBlock(2, "dn1", "dn2");
        var monitor = NewMonitor();
        Assert.True(_datanodes.EnterMaintenance("dn2", "SIGTERM"));

        Assert.Equal(0, monitor.Scan());    // dn2 is the only source of `only`, and it is not live: nothing to copy from
        Assert.Empty(monitor.GetPending());

        // With a live replica that is below the minimum of 2 live ones, the block is topped up from it.
        var monitorMin2 = NewMonitor(maintenanceMinReplicas: 2);
        Assert.Equal(1, monitorMin2.Scan());
        var transfer = Assert.Single(monitorMin2.DrainTransfers("dn1"));
        Assert.Equal("dn3", Assert.Single(transfer.Targets).Uuid);
        Received("dn3", transfer.Block);
        Assert.Equal(0, monitorMin2.Scan());
        Assert.Equal(3, _blocks.CountFinalizedReplicas(transfer.Block.Id));    // the copy is not deleted as excess while dn2 is away

        // dn2 registers again: now the block has one replica too many, deleted from a live node.
        _datanodes.Register(new DatanodeAddress("dn2", "host-dn2", 9866, 9864, 0, "/rack-a"));
        Heartbeat("dn2");
        Assert.Equal(0, monitorMin2.Scan());
        Assert.Equal(2, _blocks.CountFinalizedReplicas(transfer.Block.Id));
        Assert.Equal(1, _blocks.CountFinalizedReplicas(only.Id));
    }

    [Fact]
    public void WhenTheMaintenanceEndsWithoutTheNodeItsReplicasAreReReplicated()
    {
        AddNodes("dn1", "dn2", "dn3");
        NewBlock(2, "dn1", "dn2");
        var monitor = NewMonitor();
        Assert.True(_datanodes.StreamOpened("dn2"));
        Assert.True(_datanodes.EnterMaintenance("dn2", "SIGTERM"));
        _datanodes.StreamClosed("dn2");

        Step(_datanodes.Options.MaintenanceDuration - TimeSpan.FromSeconds(2), "dn1", "dn3");
        Assert.Equal(0, monitor.Scan());
        Step(TimeSpan.FromSeconds(4), "dn1", "dn3");
        Assert.Equal(DatanodeLiveness.Dead, _datanodes.Find("dn2")!.State);
        Assert.Equal(1, monitor.Scan());
        Assert.Equal("dn3", Assert.Single(Assert.Single(monitor.DrainTransfers("dn1")).Targets).Uuid);
        Assert.Equal(1, monitor.TransfersScheduled);
    }
}
