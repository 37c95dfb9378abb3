using CkptFS.Common;
using static CkptFS.NameNode.Tests.NamespaceAssert;

namespace CkptFS.NameNode.Tests;

public class PlacementTests : IDisposable
{
    private readonly NamespaceHarness _ns = new();

    public void Dispose() => _ns.Dispose();

    private IReadOnlyList<string> Choose(int replication, string? clientHost = null, long blockSize = 1 << 20, params string[] excluded) =>
        [.. _ns.Datanodes.ChooseTargets(replication, excluded.ToHashSet(), clientHost, blockSize, "a test block").Select(n => n.Uuid)];

    [Fact]
    public void TargetsAreDistinctAndNeverExcluded()
    {
        for (var i = 0; i < 5; i++)
        {
            _ns.AddDatanode($"dn{i}");
        }
        var chosen = Choose(3, excluded: ["dn0", "dn1"]);
        Assert.Equal(3, chosen.Distinct().Count());
        Assert.DoesNotContain("dn0", chosen);
        Assert.DoesNotContain("dn1", chosen);
    }

    [Fact]
    public void StaleAndFullNodesAreSkipped()
    {
        _ns.AddDatanode("old");
        _ns.Time.Advance(_ns.DatanodeOptions.StaleInterval);
        _ns.AddDatanode("fresh");
        _ns.AddDatanode("full", remainingBytes: 1000);
        Assert.Equal(["fresh"], Choose(3));
    }

    [Fact]
    public void TheClientsOwnDataNodeComesFirst()
    {
        _ns.AddDatanode("a", host: "10.0.0.1", transfers: 0);
        _ns.AddDatanode("b", host: "10.0.0.2", transfers: 5);
        Assert.Equal("b", Choose(2, clientHost: "10.0.0.2")[0]);
        Assert.Equal("a", Choose(2, clientHost: "10.9.9.9")[0]);
    }

    [Fact]
    public void ReplicasSpreadOverLocationsAsHdfsDoes()
    {
        _ns.AddDatanode("a1", location: "/zone-a");
        _ns.AddDatanode("a2", location: "/zone-a");
        _ns.AddDatanode("b1", location: "/zone-b", transfers: 1);
        _ns.AddDatanode("b2", location: "/zone-b", transfers: 2);
        var chosen = Choose(3, clientHost: "host-a1");
        var location = chosen.Select(uuid => _ns.Datanodes.Find(uuid)!.Address.Location).ToList();
        Assert.Equal("a1", chosen[0]);
        Assert.NotEqual(location[0], location[1]);   // 2nd off the 1st's location
        Assert.Equal(location[1], location[2]);      // 3rd beside the 2nd
    }

    [Fact]
    public void LeastLoadedNodesComeFirst()
    {
        _ns.AddDatanode("busy", transfers: 9);
        _ns.AddDatanode("idle-small", transfers: 0, remainingBytes: 10L << 30);
        _ns.AddDatanode("idle-big", transfers: 0, remainingBytes: 20L << 30);
        Assert.Equal(["idle-big", "idle-small", "busy"], Choose(3));
    }

    [Fact]
    public async Task NoCandidateIsAnErrorThatCountsTheLiveNodesAndFewIsAShortPipeline()
    {
        var error = Assert.Throws<CkptFsException>(() => Choose(3));
        Assert.Equal(ErrorCode.NotEnoughDataNodes, error.Code);
        Assert.Contains("0 live", error.Message, StringComparison.Ordinal);
        _ns.AddDatanode("only");
        Assert.Equal(["only"], Choose(3));
        error = Assert.Throws<CkptFsException>(() => Choose(3, excluded: ["only"]));
        Assert.Contains("1 live", error.Message, StringComparison.Ordinal);
        await _ns.CreateAsync("/f");
        await FailsAsync(ErrorCode.NotEnoughDataNodes, () => _ns.AddBlockAsync("/f", null, excluded: ["only"]));
    }

    [Fact]
    public void BlocksBeingWrittenCountSoBackToBackBlocksSpreadEvenly()
    {
        // Equal nodes whose heartbeats have not caught up (same transfers, same remaining bytes): an r=1
        // file's 9 blocks, allocated before any is reported received, land 3 on each.
        foreach (var uuid in new[] { "dn0", "dn1", "dn2" })
        {
            _ns.AddDatanode(uuid);
        }
        var counts = Enumerable.Range(0, 9).Select(_ => Choose(1).Single()).GroupBy(u => u).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal([3, 3, 3], counts.Values.Order());

        // Reported received: no longer scheduled, so that node is the least loaded again.
        _ns.Datanodes.BlocksReceived("dn1", 3);
        Assert.Equal(0, _ns.Datanodes.Find("dn1")!.BlocksScheduled);
        Assert.Equal(["dn1"], Choose(1));
    }

    [Fact]
    public void ANodeIsNotChosenWhenTheBlocksScheduledOnItWouldFillIt()
    {
        const long block = 1 << 20;
        _ns.AddDatanode("small", remainingBytes: (5 * block) / 2);
        _ns.AddDatanode("big");
        Assert.Equal(2, Choose(2, blockSize: block).Count);   // small: 2.5 blocks free, none scheduled
        Assert.Equal(2, Choose(2, blockSize: block).Count);   // 1 scheduled: 1.5 blocks left
        Assert.Equal(["big"], Choose(2, blockSize: block));   // 2 scheduled: half a block left (HDFS isGoodTarget)
        Assert.Equal(2, _ns.Datanodes.Find("small")!.BlocksScheduled);

        _ns.Datanodes.BlocksReceived("small", 1);             // one finalized: it no longer counts against the room
        _ns.Heartbeat("small", remainingBytes: (5 * block) / 2);
        Assert.Equal(2, Choose(2, blockSize: block).Count);

        // A block never reported (an abandoned pipeline) stops counting after two roll intervals.
        Assert.Equal(2, _ns.Datanodes.Find("small")!.BlocksScheduled);
        Assert.Equal(["big"], Choose(2, blockSize: block));
        for (var i = 0; i < 2; i++)
        {
            _ns.Time.Advance(TimeSpan.FromMinutes(10));
            _ns.Heartbeat("small", remainingBytes: (5 * block) / 2);
            _ns.Heartbeat("big");
        }
        Assert.Equal(0, _ns.Datanodes.Find("small")!.BlocksScheduled);
        Assert.Equal(2, Choose(2, blockSize: block).Count);
    }

    [Fact]
    public async Task WhenNoNodeHasRoomPlacementFailsWithDiskFullSayingHowMuchIsFreeAndNeeded()
    {
        _ns.AddDatanode("a", remainingBytes: 1000);
        _ns.AddDatanode("b", remainingBytes: 500);
        var error = Assert.Throws<CkptFsException>(() => Choose(3));
        Assert.Equal(ErrorCode.DiskFull, error.Code);
        Assert.Contains("the cluster is full", error.Message, StringComparison.Ordinal);
        Assert.Contains("needs 1048576 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("1500 bytes free in all on 2 live DataNodes: a (1000 bytes free, 0 blocks being written), b (500 bytes free", error.Message, StringComparison.Ordinal);
        await _ns.CreateAsync("/f");
        await FailsAsync(ErrorCode.DiskFull, () => _ns.AddBlockAsync("/f", null));

        // A node the client excluded does not make the others less full; with none left to try it is not a full cluster.
        _ns.AddDatanode("roomy");
        error = Assert.Throws<CkptFsException>(() => Choose(3, excluded: ["roomy"]));
        Assert.Equal(ErrorCode.DiskFull, error.Code);
        Assert.Contains("1 other live ones excluded by the client", error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.NotEnoughDataNodes, Assert.Throws<CkptFsException>(() => Choose(3, excluded: ["a", "b", "roomy"])).Code);
    }
}
