using CkptFS.NameNode.DataNodes;

namespace CkptFS.NameNode.Tests;

public class LivenessTests : IDisposable
{
    private readonly NamespaceHarness _ns = new();

    public void Dispose() => _ns.Dispose();

    private DatanodeLiveness State(string uuid) => _ns.Datanodes.Find(uuid)!.State;

    [Fact]
    public async Task ANodeTurnsStaleThenDeadAndLosesItsReplicas()
    {
        Assert.Equal(TimeSpan.FromMinutes(10.5), _ns.DatanodeOptions.DeadInterval);
        _ns.AddDatanode("dn1");
        await _ns.CreateAsync("/f");
        var block = (await _ns.AddBlockAsync("/f", null)).Block;
        _ns.Received("dn1", block);
        Assert.Equal(DatanodeLiveness.Live, State("dn1"));

        _ns.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(DatanodeLiveness.Live, State("dn1"));
        _ns.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DatanodeLiveness.Stale, State("dn1"));
        Assert.Equal(1, _ns.Blocks.CountFinalizedReplicas(block.Id));

        // The monitor runs on the same (fake) clock: advancing past the dead interval fires it.
        _ns.Time.Advance(TimeSpan.FromMinutes(10.5) - TimeSpan.FromSeconds(30));
        Assert.Equal(DatanodeLiveness.Dead, State("dn1"));
        Assert.Equal(0, _ns.Blocks.CountFinalizedReplicas(block.Id));
        Assert.False(_ns.Datanodes.Heartbeat("dn1", default), "a dead node is told to register again");

        _ns.AddDatanode("dn1");
        Assert.Equal(DatanodeLiveness.Live, State("dn1"));
    }

    [Fact]
    public void HeartbeatsKeepANodeLiveAndUnknownNodesAreToldToRegister()
    {
        _ns.AddDatanode("dn1");
        for (var i = 0; i < 100; i++)
        {
            _ns.Time.Advance(TimeSpan.FromSeconds(3));
            _ns.Heartbeat("dn1");
        }
        Assert.Equal(DatanodeLiveness.Live, State("dn1"));
        Assert.False(_ns.Datanodes.Heartbeat("stranger", default));
    }

    [Fact]
    public void ReRegistrationFromANewAddressUpdatesIt()
    {
        _ns.AddDatanode("dn1", host: "10.0.0.1");
        _ns.AddDatanode("dn1", host: "10.0.0.7");
        Assert.Equal("10.0.0.7", _ns.Datanodes.Find("dn1")!.Address.Host);
        Assert.Single(_ns.Datanodes.GetAll());
    }
}
