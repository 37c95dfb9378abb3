using CkptFS.NameNode.DataNodes;

namespace CkptFS.NameNode.Tests;

/// <summary>
/// The fast path of liveness on a fake clock: a broken Connect stream makes a node dead after the
/// disconnect grace (10 s), unless it heartbeats or reconnects; silence with the stream open keeps
/// the long dead interval (10.5 min). The monitor that acts on deaths runs every 3 s on the same clock.
/// </summary>
public class DisconnectLivenessTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);
    private readonly NamespaceHarness _ns = new();

    public void Dispose() => _ns.Dispose();

    private DatanodeLiveness State(string uuid) => _ns.Datanodes.Find(uuid)!.State;

    [Fact]
    public async Task ADisconnectedNodeIsDeadAfterTheGraceAndLosesItsReplicas()
    {
        Assert.Equal(Grace, _ns.DatanodeOptions.DisconnectGrace);
        _ns.AddDatanode("dn1");
        await _ns.CreateAsync("/f");
        var block = (await _ns.AddBlockAsync("/f", null)).Block;
        _ns.Received("dn1", block);
        Assert.True(_ns.Datanodes.StreamOpened("dn1"));
        Assert.True(_ns.Datanodes.Find("dn1")!.Connected);

        _ns.Datanodes.StreamClosed("dn1");
        Assert.False(_ns.Datanodes.Find("dn1")!.Connected);
        Assert.Equal(DatanodeLiveness.Stale, State("dn1"));
        _ns.Time.Advance(Grace - TimeSpan.FromMilliseconds(1));
        Assert.Equal(DatanodeLiveness.Stale, State("dn1"));
        Assert.Equal(1, _ns.Blocks.CountFinalizedReplicas(block.Id));

        _ns.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(DatanodeLiveness.Dead, State("dn1"));
        // The monitor's next run (at most one heartbeat interval later) removes the replicas.
        _ns.Time.Advance(_ns.DatanodeOptions.HeartbeatInterval);
        Assert.Equal(0, _ns.Blocks.CountFinalizedReplicas(block.Id));
        Assert.False(_ns.Datanodes.Heartbeat("dn1", default), "a dead node is told to register again");
        Assert.False(_ns.Datanodes.StreamOpened("dn1"), "a dead node must register before it connects");

        _ns.AddDatanode("dn1");
        Assert.Equal(DatanodeLiveness.Live, State("dn1"));
    }

    [Fact]
    public void AHeartbeatOrANewStreamWithinTheGraceKeepsANodeLive()
    {
        _ns.AddDatanode("dn1");
        Assert.True(_ns.Datanodes.StreamOpened("dn1"));

        // Reconnected within the grace: live for good, heartbeats or not, until the stale interval.
        _ns.Datanodes.StreamClosed("dn1");
        _ns.Time.Advance(Grace - TimeSpan.FromSeconds(1));
        Assert.True(_ns.Datanodes.StreamOpened("dn1"));
        Assert.Equal(DatanodeLiveness.Live, State("dn1"));
        _ns.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(DatanodeLiveness.Live, State("dn1"));

        // A heartbeat within the grace clears the disconnect too: the node is back on the slow rule.
        _ns.Heartbeat("dn1");
        _ns.Datanodes.StreamClosed("dn1");
        _ns.Time.Advance(Grace - TimeSpan.FromSeconds(1));
        _ns.Heartbeat("dn1");
        for (var i = 0; i < 20; i++)
        {
            _ns.Time.Advance(TimeSpan.FromSeconds(3));
            _ns.Heartbeat("dn1");
        }
        Assert.Equal(DatanodeLiveness.Live, State("dn1"));
        Assert.True(_ns.Datanodes.IsRegistered("dn1"));
    }

    [Fact]
    public async Task SilenceWithTheStreamOpenWaitsForTheLongTimeout()
    {
        _ns.AddDatanode("dn1");
        await _ns.CreateAsync("/f");
        var block = (await _ns.AddBlockAsync("/f", null)).Block;
        _ns.Received("dn1", block);
        Assert.True(_ns.Datanodes.StreamOpened("dn1"));

        // A partition: no heartbeat, no broken stream. Stale after 30 s, dead only after 10.5 min.
        _ns.Time.Advance(_ns.DatanodeOptions.DeadInterval - TimeSpan.FromSeconds(1));
        Assert.Equal(DatanodeLiveness.Stale, State("dn1"));
        Assert.Equal(1, _ns.Blocks.CountFinalizedReplicas(block.Id));
        _ns.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DatanodeLiveness.Dead, State("dn1"));
    }

    [Fact]
    public void TheGraceStartsWhenTheLastOpenStreamCloses()
    {
        // A restarted DataNode may open its new stream before the NameNode notices the old one broke.
        _ns.AddDatanode("dn1");
        Assert.True(_ns.Datanodes.StreamOpened("dn1"));
        Assert.True(_ns.Datanodes.StreamOpened("dn1"));
        _ns.Datanodes.StreamClosed("dn1");
        _ns.Time.Advance(Grace + TimeSpan.FromSeconds(5));
        _ns.Heartbeat("dn1");
        Assert.Equal(DatanodeLiveness.Live, State("dn1"));
        Assert.True(_ns.Datanodes.Find("dn1")!.Connected);

        _ns.Datanodes.StreamClosed("dn1");
        _ns.Time.Advance(Grace);
        Assert.Equal(DatanodeLiveness.Dead, State("dn1"));
    }

    [Fact]
    public void AGraceThatIsNotPositiveIsRejected()
    {
        var zero = new DatanodeManagerOptions { DisconnectGrace = TimeSpan.Zero };
        Assert.Contains("Datanodes:DisconnectGrace = 00:00:00", Assert.Throws<ArgumentException>(zero.Validate).Message);
        var negative = new DatanodeManagerOptions { DisconnectGrace = TimeSpan.FromSeconds(-1) };
        Assert.Throws<ArgumentException>(negative.Validate);
        new DatanodeManagerOptions { DisconnectGrace = TimeSpan.FromSeconds(1) }.Validate();
    }
}
