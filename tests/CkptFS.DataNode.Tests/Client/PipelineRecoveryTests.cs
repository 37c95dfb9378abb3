using CkptFS.Client.BlockIO;
using CkptFS.Client.Streams;
using CkptFS.Common;
using CkptFS.Common.Faults;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.Tests.Client;

/// <summary>Fault points are global to the process: tests that arm them run alone.</summary>
[CollectionDefinition(nameof(FaultPointTests), DisableParallelization = true)]
public sealed class FaultPointTests;

/// <summary>
/// The client's pipeline recovery (BlockWriter + PipelineRecovery) against in-process DataNodes, with a
/// fake coordinator for the NameNode: a node lost mid-block, a node failing to finalize, a node that
/// finalized before the pipeline failed, and the bounds.
/// </summary>
[Collection(nameof(FaultPointTests))]
public sealed class PipelineRecoveryTests
{
    private readonly TestLog _clientLog = new();
    private readonly List<string> _excluded = [];

    [Fact]
    public async Task A_write_goes_on_with_the_survivors_when_a_node_dies_after_an_hflush_mid_chunk()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var data = StoreFixture.RandomBytes((3 * 1024 * 1024) + 777, seed: 400);
        var coordinator = new FakeCoordinator(cluster);
        var block = cluster.NewBlock();
        await using var writer = await OpenAsync(block, coordinator, maxAttempts: 5);
        await writer.WriteAsync(data.AsMemory(0, 1_000_001), CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
        await writer.FlushAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout);

        await cluster.KillAsync(1);
        await writer.WriteAsync(data.AsMemory(1_000_001), CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
        var finished = await writer.CloseAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout);

        Assert.Equal((2ul, (ulong)data.Length), (finished.GenerationStamp, finished.NumBytes));
        Assert.Equal(["dn0", "dn2"], writer.Pipeline.Select(n => n.DatanodeUuid));
        Assert.Equal((1ul, 2ul, 1_000_001ul), (coordinator.Commits.Single().From, coordinator.Commits.Single().To, coordinator.Commits.Single().Bytes));
        Assert.Equal(["dn0", "dn2"], coordinator.Commits.Single().Nodes);
        Assert.Equal(["dn1"], _excluded);
        await AssertFinalizedAsync(cluster, block, [0, 2], generationStamp: 2, data);
        Assert.True(_clientLog.Contains(LogLevel.Warning, "Recovered the pipeline"), "the recovery was not logged");
    }

    [Fact]
    public async Task A_node_that_fails_to_finalize_is_dropped_and_the_others_finalize_at_a_new_genstamp()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var data = StoreFixture.RandomBytes(700_000, seed: 401);
        var block = cluster.NewBlock();
        var coordinator = new FakeCoordinator(cluster);
        await using var writer = await OpenAsync(block, coordinator, maxAttempts: 5);
        await writer.WriteAsync(data, CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);

        // The last node finalizes first (the others wait for its ack): it is the one that fails.
        using (FaultPoints.Arm(new FaultRule(FaultPoint.DataNodeBeforeFinalize, FaultAction.Throw, Times: 1)))
        {
            var finished = await writer.CloseAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout);
            Assert.Equal((2ul, (ulong)data.Length), (finished.GenerationStamp, finished.NumBytes));
        }

        Assert.Equal(["dn0", "dn1"], writer.Pipeline.Select(n => n.DatanodeUuid));
        Assert.Equal(["dn2"], _excluded);
        await AssertFinalizedAsync(cluster, block, [0, 1], generationStamp: 2, data);
    }

    [Fact]
    public async Task A_node_that_finalized_before_the_pipeline_failed_is_set_aside_and_the_block_goes_on_without_it()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var data = StoreFixture.RandomBytes(600_000, seed: 402);
        var block = cluster.NewBlock();
        var coordinator = new FakeCoordinator(cluster);
        await using var writer = await OpenAsync(block, coordinator, maxAttempts: 5);
        await writer.WriteAsync(data, CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);

        // dn2 finalizes, dn1 fails to: dn0 stays rbw. Recovery drops dn1, then finds dn2 finalized (it
        // cannot be continued), and finishes the block on dn0 alone.
        using (FaultPoints.Arm(new FaultRule(FaultPoint.DataNodeBeforeFinalize, FaultAction.Throw, Skip: 1, Times: 1)))
        {
            var finished = await writer.CloseAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout);
            Assert.Equal((3ul, (ulong)data.Length), (finished.GenerationStamp, finished.NumBytes));
        }

        Assert.Equal(["dn0"], writer.Pipeline.Select(n => n.DatanodeUuid));
        Assert.Equal(["dn1"], _excluded);
        Assert.Equal(["dn0"], coordinator.Commits.Single().Nodes);
        await AssertFinalizedAsync(cluster, block, [0], generationStamp: 3, data);
        await AssertFinalizedAsync(cluster, block, [2], generationStamp: 1, data);
    }

    [Fact]
    public async Task When_only_nodes_that_finalized_are_left_the_block_ends_on_them_at_its_genstamp()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var data = StoreFixture.RandomBytes(300_000, seed: 403);
        var block = cluster.NewBlock();
        var coordinator = new FakeCoordinator(cluster);
        await using var writer = await OpenAsync(block, coordinator, maxAttempts: 5);
        await writer.WriteAsync(data, CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);

        using (FaultPoints.Arm(new FaultRule(FaultPoint.DataNodeBeforeFinalize, FaultAction.Throw, Skip: 1, Times: 1)))
        {
            var finished = await writer.CloseAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout);
            Assert.Equal((1ul, (ulong)data.Length), (finished.GenerationStamp, finished.NumBytes));
        }

        Assert.Equal(["dn1"], writer.Pipeline.Select(n => n.DatanodeUuid));
        Assert.Empty(coordinator.Commits);
        await AssertFinalizedAsync(cluster, block, [1], generationStamp: 1, data);
        Assert.True(_clientLog.Contains(LogLevel.Warning, "the block ends there as it is"), "the close recovery was not logged");
    }

    [Fact]
    public async Task Recovery_gives_up_after_the_attempts_allowed_naming_the_block_and_every_failure()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var data = StoreFixture.RandomBytes(400_000, seed: 404);
        var block = cluster.NewBlock();
        await using var writer = await OpenAsync(block, new FakeCoordinator(cluster), maxAttempts: 1);
        await writer.WriteAsync(data.AsMemory(0, 100_000), CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
        await writer.FlushAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout);

        // dn1 fails first; the rebuilt pipeline [dn0, dn2] cannot be set up: a second failure, one too many.
        await cluster.KillAsync(1);
        await cluster.KillAsync(2);
        var error = await Assert.ThrowsAnyAsync<CkptFsException>(async () =>
        {
            await writer.WriteAsync(data.AsMemory(100_000), CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
            await writer.FlushAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout);
        });

        Assert.Contains($"blk_{block.Block.BlockId}", error.Message, StringComparison.Ordinal);
        Assert.Contains("dn1@", error.Message, StringComparison.Ordinal);
        Assert.Contains("dn2@", error.Message, StringComparison.Ordinal);
        Assert.Contains("PipelineRecoveryAttempts", error.Message, StringComparison.Ordinal);
        var again = await Assert.ThrowsAnyAsync<CkptFsException>(() => writer.CloseAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout));
        Assert.Equal(error.Message, again.Message);
    }

    [Fact]
    public async Task A_pipeline_whose_only_node_dies_fails_saying_no_node_is_left()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var block = cluster.NewBlock();
        await using var writer = await OpenAsync(block, new FakeCoordinator(cluster), maxAttempts: 5);
        await writer.WriteAsync(new byte[1000], CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
        await writer.FlushAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout);

        await cluster.KillAsync(0);
        var error = await Assert.ThrowsAnyAsync<CkptFsException>(() => writer.CloseAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout));

        Assert.Equal(ErrorCode.NotEnoughDataNodes, error.Code);
        Assert.Contains("no DataNode of its pipeline is left", error.Message, StringComparison.Ordinal);
    }

    private Task<BlockWriter> OpenAsync(LocatedBlock block, FakeCoordinator coordinator, int maxAttempts)
    {
        var recovery = new PipelineRecovery(coordinator, "/test/file", replication: block.Locations.Count, maxAttempts, _excluded, _clientLog.CreateLogger("recovery"));
        return BlockWriter.OpenAsync(block, "test-client", new BlockWriterOptions(), recovery, CancellationToken.None).WaitAsync(TestCluster.Timeout);
    }

    private static async Task AssertFinalizedAsync(TestCluster cluster, LocatedBlock block, int[] nodes, ulong generationStamp, byte[] data)
    {
        foreach (var node in nodes)
        {
            var report = Assert.Single(cluster.Stores[node].Store.ListReplicas());
            Assert.Equal((ReplicaState.Finalized, generationStamp, (ulong)data.Length), StoreFixture.StateOf(report));
            Assert.Equal(data, await TestCluster.ReadAsync(cluster.ForRead(block, report.Block), node, 0, data.Length));
        }
    }
}
