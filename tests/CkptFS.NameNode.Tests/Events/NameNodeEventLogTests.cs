using CkptFS.Common;
using CkptFS.NameNode.Events;
using Microsoft.Extensions.Time.Testing;

namespace CkptFS.NameNode.Tests.Events;

/// <summary>The web UI's event ring: bounded, newest first, and fed where a DataNode is lost and a lease recovered.</summary>
public sealed class NameNodeEventLogTests
{
    [Fact]
    public void TheRingKeepsTheNewestEventsAndListsThemNewestFirst()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var log = new NameNodeEventLog(time, capacity: 4);
        Assert.Empty(log.Recent());
        for (var i = 0; i < 10; i++)
        {
            log.Add(NameNodeEventKind.ReReplicationDone, $"blk_{i}", $"event {i}");
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(10, log.Count);
        var recent = log.Recent();
        Assert.Equal(["blk_9", "blk_8", "blk_7", "blk_6"], recent.Select(e => e.Subject));
        Assert.Equal([9L, 8L, 7L, 6L], recent.Select(e => e.Sequence));
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromSeconds(1), recent[0].Time);
        Assert.Equal(["blk_9", "blk_8"], log.Recent(2).Select(e => e.Subject));
        Assert.Empty(log.Recent(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NameNodeEventLog(time, capacity: 0));
    }

    [Fact]
    public async Task ALostDataNodeAndALeaseRecoveryAreRecordedWhereTheyHappen()
    {
        using var ns = new NamespaceHarness();
        ns.AddDatanode("dn1");
        ns.AddDatanode("dn2");
        await ns.CreateAsync("/open", holder: "writer");
        Assert.True(await ns.Fs.RecoverLeaseAsync(FsPath.Parse("/open"), "other", force: true));
        var recovered = Assert.Single(ns.Events.Recent());
        Assert.Equal((NameNodeEventKind.LeaseRecovered, "/open"), (recovered.Kind, recovered.Subject));
        Assert.Contains("writer", recovered.Message, StringComparison.Ordinal);

        // dn2 heartbeats half way; dn1 stays silent past the dead interval (the registry's own timer declares it).
        ns.Time.Advance(ns.DatanodeOptions.DeadInterval / 2);
        ns.Heartbeat("dn2");
        ns.Time.Advance(ns.DatanodeOptions.DeadInterval / 2 + TimeSpan.FromSeconds(5));
        ns.Datanodes.CheckLiveness();
        var lost = ns.Events.Recent()[0];
        Assert.Equal((NameNodeEventKind.DataNodeLost, "dn1"), (lost.Kind, lost.Subject));
        Assert.Equal(2, ns.Events.Count);
        Assert.Equal(0, ns.Datanodes.CheckLiveness());   // declared once
        Assert.Equal(2, ns.Events.Count);
    }
}
