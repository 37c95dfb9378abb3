using CkptFS.Common;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Tests;

/// <summary>A complete block whose pipeline has not reported every replica yet is not copied while the reports are on their way.</summary>
public sealed partial class ReplicationMonitorTests
{
    [Fact]
    public void APipelineNodeThatHasNotReportedYetIsWaitedForNotCopiedAround()
    {
        AddNodes("dn1", "dn2", "dn3", "dn4");
        var block = CompletedBlock(3, pipeline: ["dn1", "dn2", "dn3"], reported: ["dn1", "dn2"]);
        var monitor = NewMonitor();

        Assert.Equal(0, monitor.Scan());
        Assert.Empty(monitor.GetPending());

        // The report arrives: nothing to do, and nothing was copied.
        Received("dn3", block);
        Step(PendingTimeout + TimeSpan.FromSeconds(1), alive: ["dn1", "dn2", "dn3", "dn4"]);
        Assert.Equal(0, monitor.Scan());
        Assert.Equal(0, monitor.TransfersScheduled);
    }

    [Fact]
    public void AReportThatNeverComesIsWaitedForOnlyUntilThePendingTimeout()
    {
        AddNodes("dn1", "dn2", "dn3", "dn4");
        var block = CompletedBlock(3, pipeline: ["dn1", "dn2", "dn3"], reported: ["dn1", "dn2"]);
        var monitor = NewMonitor();
        Assert.Equal(0, monitor.Scan());

        Step(PendingTimeout - TimeSpan.FromSeconds(2), alive: ["dn1", "dn2", "dn3", "dn4"]);
        Assert.Equal(0, monitor.Scan());
        Step(TimeSpan.FromSeconds(3), alive: ["dn1", "dn2", "dn3", "dn4"]);

        Assert.Equal(1, monitor.Scan());
        var transfer = Assert.Single(monitor.GetPending());
        Assert.Equal(block.Id, transfer.Block.Id);
        Assert.Contains(Assert.Single(transfer.Targets).Uuid, new[] { "dn3", "dn4" });
    }

    [Fact]
    public void APipelineNodeThatDiedIsNotWaitedFor()
    {
        AddNodes("dn1", "dn2", "dn3", "dn4");
        var block = CompletedBlock(3, pipeline: ["dn1", "dn2", "dn3"], reported: ["dn1", "dn2"]);
        var monitor = NewMonitor();
        Assert.Equal(0, monitor.Scan());

        KillAndWaitUntilDead("dn3", alive: ["dn1", "dn2", "dn4"]);

        Assert.Equal(1, monitor.Scan());
        Assert.Equal(block.Id, Assert.Single(monitor.GetPending()).Block.Id);
    }

    /// <summary>A block written through <paramref name="pipeline"/>, complete, with finalized replicas reported by <paramref name="reported"/> only.</summary>
    private FileBlock CompletedBlock(int replication, string[] pipeline, string[] reported)
    {
        var block = new FileBlock(new BlockId(_nextBlockId++), new GenerationStamp(1001), 4096);
        _blocks.AddBlock(block, new InodeId(16386), replication, pipeline);
        _blocks.UpdateBlock(block, complete: true);
        foreach (var holder in reported)
        {
            Received(holder, block);
        }
        return block;
    }
}
