using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Tests;

/// <summary>
/// Maintenance on a fake clock (DatanodeManager.Maintenance.cs): a DataNode that said it is stopping
/// for a restart is not chosen for writes, is read from last, and is not declared dead by its broken
/// stream (grace 10 s) nor by silence (10.5 min) until its maintenance (10 min) ends; a registration
/// ends it; at its end a node still away is dead at once and loses its replicas.
/// </summary>
public sealed class MaintenanceLivenessTests : IDisposable
{
    private readonly NamespaceHarness _ns = new();

    public void Dispose() => _ns.Dispose();

    private DatanodeLiveness State(string uuid) => _ns.Datanodes.Find(uuid)!.State;

    /// <summary>A connected DataNode gets SIGTERM: it enters maintenance, then its process exits (its stream breaks).</summary>
    private void StopForRestart(string uuid)
    {
        Assert.True(_ns.Datanodes.StreamOpened(uuid));
        Assert.True(_ns.Datanodes.EnterMaintenance(uuid, "SIGTERM"));
        _ns.Datanodes.StreamClosed(uuid);
    }

    [Fact]
    public async Task ANodeInMaintenanceIsNotChosenForWritesAndIsReadFromLast()
    {
        _ns.AddDatanode("dn1");
        _ns.AddDatanode("dn2");
        _ns.AddDatanode("dn3");
        Assert.True(_ns.Datanodes.EnterMaintenance("dn2", "SIGTERM"));
        Assert.Equal(DatanodeLiveness.InMaintenance, State("dn2"));
        Assert.Equal(1, _ns.Datanodes.CountInMaintenance());

        await _ns.CreateAsync("/f");
        FileBlock? previous = null;
        for (var i = 0; i < 20; i++)
        {
            var block = await _ns.AddBlockAsync("/f", previous);
            Assert.DoesNotContain(block.Targets, t => t.Uuid == "dn2");
            _ns.Received(block.Targets[0].Uuid, block.Block);
            _ns.Received(block.Targets[1].Uuid, block.Block);
            previous = block.Block;
        }

        // Read order: live first, then the node in maintenance; after a stale one too.
        var sorted = _ns.Datanodes.SortForReader(["dn2", "dn1", "dn3"], clientHost: "host-dn2");
        Assert.Equal(["dn1", "dn3", "dn2"], sorted.Select(n => n.Uuid));
    }

    [Fact]
    public void NeitherTheDisconnectGraceNorSilenceDeclaresANodeInMaintenanceDead()
    {
        _ns.AddDatanode("dn1");
        StopForRestart("dn1");

        // 9 min 57 s: past the disconnect grace (10 s) and the stale interval (30 s), within the maintenance (10 min).
        _ns.Time.Advance(_ns.DatanodeOptions.MaintenanceDuration - TimeSpan.FromSeconds(3));
        Assert.Equal(0, _ns.Datanodes.CheckLiveness());
        Assert.Equal(DatanodeLiveness.InMaintenance, State("dn1"));
        Assert.True(_ns.Datanodes.IsRegistered("dn1"));
    }

    [Fact]
    public async Task AtItsEndANodeStillAwayIsDeadAndLosesItsReplicas()
    {
        _ns.AddDatanode("dn1");
        await _ns.CreateAsync("/f");
        var block = (await _ns.AddBlockAsync("/f", null)).Block;
        _ns.Received("dn1", block);
        StopForRestart("dn1");

        _ns.Time.Advance(_ns.DatanodeOptions.MaintenanceDuration - TimeSpan.FromSeconds(1));
        Assert.Equal(1, _ns.Blocks.CountFinalizedReplicas(block.Id));
        // The monitor runs every heartbeat interval (3 s): the next run after the end declares it dead.
        _ns.Time.Advance(_ns.DatanodeOptions.HeartbeatInterval + TimeSpan.FromSeconds(1));
        Assert.Equal(DatanodeLiveness.Dead, State("dn1"));
        Assert.Equal(0, _ns.Blocks.CountFinalizedReplicas(block.Id));
        Assert.Equal(0, _ns.Datanodes.CountInMaintenance());
        Assert.False(_ns.Datanodes.EnterMaintenance("dn1", "SIGTERM"), "a dead node must register first");
    }

    [Fact]
    public void ARegistrationEndsTheMaintenance()
    {
        _ns.AddDatanode("dn1");
        StopForRestart("dn1");
        _ns.Time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(DatanodeLiveness.InMaintenance, State("dn1"));

        _ns.AddDatanode("dn1");
        Assert.True(_ns.Datanodes.StreamOpened("dn1"));
        Assert.Equal(DatanodeLiveness.Live, State("dn1"));
        Assert.Equal(0, _ns.Datanodes.CountInMaintenance());

        // Back on the usual rules: a broken stream now means dead after the grace.
        _ns.Datanodes.StreamClosed("dn1");
        _ns.Time.Advance(_ns.DatanodeOptions.DisconnectGrace);
        Assert.Equal(DatanodeLiveness.Dead, State("dn1"));
    }

    [Fact]
    public void AnUnknownNodeCannotEnterMaintenanceAndTheDurationIsValidated()
    {
        Assert.False(_ns.Datanodes.EnterMaintenance("nobody", "SIGTERM"));
        var error = Assert.Throws<ArgumentException>(() => new DatanodeManagerOptions { MaintenanceDuration = TimeSpan.Zero }.Validate());
        Assert.Contains("Datanodes:MaintenanceDuration", error.Message);
    }
}
