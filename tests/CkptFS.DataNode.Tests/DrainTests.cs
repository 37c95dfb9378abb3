using System.Diagnostics;
using CkptFS.Client.BlockIO;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Tests;

/// <summary>
/// A DataNode stopping for a restart (SIGTERM): new writes are refused with a clear reason (the
/// client's pipeline setup excludes the node), the write in flight finishes and is finalized, and a
/// write that does not finish is left after the drain bound, for the stop to cut.
/// </summary>
public sealed class DrainTests
{
    [Fact]
    public async Task NewWritesAreRefusedWhileTheWriteInFlightFinishes()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var data = StoreFixture.RandomBytes(1 << 20, seed: 700);
        var inFlight = cluster.NewBlock();
        await using var writer = await TestCluster.WriteFlushedAsync(inFlight, data.AsMemory(0, 300_000));

        var drain = cluster.DrainAsync(1, TimeSpan.FromSeconds(20));
        Assert.False(drain.IsCompleted, "The drain ended with a write in flight.");
        var refused = await Assert.ThrowsAsync<BlockPipelineException>(() => TestCluster.WriteAsync(cluster.NewBlock(), data));
        Assert.Contains("stopping for a restart", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, refused.BadNodeIndex);

        await writer.WriteAsync(data.AsMemory(300_000), CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
        var finished = await writer.CloseAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout);
        Assert.Equal(0, await drain.WaitAsync(TestCluster.Timeout));
        Assert.Equal((ulong)data.Length, finished.NumBytes);
        var replica = Assert.Single(cluster.Stores[1].Store.ListReplicas());
        Assert.Equal(ReplicaState.Finalized, replica.State);
        // Reads are still served until the stop cuts the port.
        Assert.Equal(data, await TestCluster.ReadAsync(cluster.ForRead(inFlight, finished), replica: 1, 0, data.Length));
    }

    [Fact]
    public async Task AWriteThatDoesNotFinishIsLeftAtTheDrainBound()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var block = cluster.NewBlock();
        await using var writer = await TestCluster.WriteFlushedAsync(block, StoreFixture.RandomBytes(100_000, seed: 701));

        var stopwatch = Stopwatch.StartNew();
        var left = await cluster.DrainAsync(0, TimeSpan.FromMilliseconds(500)).WaitAsync(TestCluster.Timeout);
        Assert.Equal(1, left);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(10));
    }
}
