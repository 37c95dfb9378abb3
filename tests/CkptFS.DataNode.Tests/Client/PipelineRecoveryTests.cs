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
/// fake coordinator for the NameNode: a node lost mid-block (with and without a replacement), a node
/// failing to finalize, a node that finalized before the pipeline failed, and the bounds.
/// </summary>
[Collection(nameof(FaultPointTests))]
public sealed class PipelineRecoveryTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestLog _clientLog = new();
    private readonly List<string> _excluded = [];

    [Fact]
    public async Task A_write_goes_on_with_the_survivors_when_a_node_dies_after_an_hflush_mid_chunk()
    {
        await using var write = await StartAsync(nodes: 3, bytes: (3 * 1024 * 1024) + 777, seed: 400, flushed: 1_000_001);

        await write.Cluster.KillAsync(1);
        var finished = await write.FinishAsync();

        write.AssertEndedOn(finished, 2, "dn0", "dn2");
        var commit = Assert.Single(write.Coordinator.Commits);
        Assert.Equal((1ul, 2ul, 1_000_001ul), (commit.From, commit.To, commit.Bytes));
        Assert.Equal(["dn0", "dn2"], commit.Nodes);
        Assert.Equal(["dn1"], _excluded);
        await write.AssertFinalizedAsync([0, 2], generationStamp: 2);
        Assert.True(_clientLog.Contains(LogLevel.Warning, "Recovered the pipeline"), "the recovery was not logged");
    }

    [Fact]
    public async Task An_hflushed_block_gets_a_replacement_node_holding_the_acknowledged_bytes_and_finishes_on_three()
    {
        // Readers rely on the flushed bytes: the DEFAULT policy wants the third replica back at once.
        await using var write = await StartAsync(nodes: 4, bytes: (2 * 1024 * 1024) + 333, seed: 405, flushed: 1_000_001, pipeline: [0, 1, 2], spares: [3]);

        await write.Cluster.KillAsync(1);
        var finished = await write.FinishAsync();

        write.AssertEndedOn(finished, 2, "dn0", "dn2", "dn3");
        Assert.Equal(["dn0", "dn2", "dn3"], write.Coordinator.Commits.Single().Nodes);
        await write.AssertFinalizedAsync([0, 2, 3], generationStamp: 2);
        Assert.True(_clientLog.Contains(LogLevel.Warning, "Added [dn3@"), "the replacement was not logged");
    }

    [Fact]
    public async Task Without_a_spare_node_an_hflushed_block_goes_on_with_the_survivors()
    {
        await using var write = await StartAsync(nodes: 3, bytes: 900_000, seed: 406, flushed: 300_000);

        await write.Cluster.KillAsync(0);
        var finished = await write.FinishAsync();

        write.AssertEndedOn(finished, 2, "dn1", "dn2");
        await write.AssertFinalizedAsync([1, 2], generationStamp: 2);
        Assert.True(_clientLog.Contains(LogLevel.Warning, "but none could be added (no spare DataNode)"), "the missing replacement was not logged");
    }

    [Fact]
    public async Task A_node_that_fails_to_finalize_is_dropped_and_the_others_finalize_at_a_new_genstamp()
    {
        // The last node finalizes first (the others wait for its ack): it is the one that fails.
        await using var write = await StartAsync(nodes: 3, bytes: 700_000, seed: 401);

        var finished = await write.CloseFailingFinalizeAsync(skip: 0);

        write.AssertEndedOn(finished, 2, "dn0", "dn1");
        Assert.Equal(["dn2"], _excluded);
        await write.AssertFinalizedAsync([0, 1], generationStamp: 2);
    }

    [Fact]
    public async Task A_node_that_finalized_before_the_pipeline_failed_is_set_aside_and_the_block_goes_on_without_it()
    {
        // dn2 finalizes, dn1 fails to, so dn0 stays rbw. Recovery drops dn1, then finds dn2 finalized
        // (it cannot be continued) and finishes the block on dn0 alone.
        await using var write = await StartAsync(nodes: 3, bytes: 600_000, seed: 402);

        var finished = await write.CloseFailingFinalizeAsync(skip: 1);

        write.AssertEndedOn(finished, 3, "dn0");
        Assert.Equal(["dn1"], _excluded);
        Assert.Equal(["dn0"], write.Coordinator.Commits.Single().Nodes);
        await write.AssertFinalizedAsync([0], generationStamp: 3);
        await write.AssertFinalizedAsync([2], generationStamp: 1);
    }

    [Fact]
    public async Task When_only_nodes_that_finalized_are_left_the_block_ends_on_them_at_its_genstamp()
    {
        await using var write = await StartAsync(nodes: 2, bytes: 300_000, seed: 403);

        var finished = await write.CloseFailingFinalizeAsync(skip: 1);

        write.AssertEndedOn(finished, 1, "dn1");
        Assert.Empty(write.Coordinator.Commits);
        await write.AssertFinalizedAsync([1], generationStamp: 1);
        Assert.True(_clientLog.Contains(LogLevel.Warning, "the block ends there as it is"), "the close recovery was not logged");
    }

    [Fact]
    public async Task Recovery_gives_up_after_the_attempts_allowed_naming_the_block_and_every_failure()
    {
        await using var write = await StartAsync(nodes: 3, bytes: 400_000, seed: 404, flushed: 100_000, maxAttempts: 1);

        // dn1 fails first; the rebuilt pipeline [dn0, dn2] cannot be set up: a second failure, one too many.
        await write.Cluster.KillAsync(1);
        await write.Cluster.KillAsync(2);
        var error = await Assert.ThrowsAnyAsync<CkptFsException>(write.FinishAsync);

        Assert.Contains($"blk_{write.Block.Block.BlockId}", error.Message, StringComparison.Ordinal);
        Assert.Contains("dn1@", error.Message, StringComparison.Ordinal);
        Assert.Contains("dn2@", error.Message, StringComparison.Ordinal);
        Assert.Contains("PipelineRecoveryAttempts", error.Message, StringComparison.Ordinal);
        var again = await Assert.ThrowsAnyAsync<CkptFsException>(() => write.Writer.CloseAsync(None).WaitAsync(TestCluster.Timeout));
        Assert.Equal(error.Message, again.Message);
    }

    [Fact]
    public async Task A_pipeline_whose_only_node_dies_fails_saying_no_node_is_left()
    {
        await using var write = await StartAsync(nodes: 1, bytes: 1000, seed: 407, flushed: 1000);

        await write.Cluster.KillAsync(0);
        var error = await Assert.ThrowsAnyAsync<CkptFsException>(write.FinishAsync);

        Assert.Equal(ErrorCode.NotEnoughDataNodes, error.Code);
        Assert.Contains("no DataNode of its pipeline is left", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// In-process DataNodes and a writer of one block on <paramref name="pipeline"/> (all nodes by
    /// default) that wrote and hflushed the first <paramref name="flushed"/> bytes of its data, or wrote
    /// all of it when <paramref name="flushed"/> is 0.
    /// </summary>
    private async Task<Write> StartAsync(int nodes, int bytes, int seed, int flushed = 0, int[]? pipeline = null, int[]? spares = null, int maxAttempts = 5)
    {
        var cluster = await TestCluster.StartAsync(nodes);
        var block = cluster.NewBlock(pipeline);
        var coordinator = new FakeCoordinator(cluster, spares ?? []);
        var recovery = new PipelineRecovery(coordinator, "/test/file", replication: block.Locations.Count, maxAttempts, _excluded, _clientLog.CreateLogger("recovery"));
        var writer = await BlockWriter.OpenAsync(block, "test-client", new BlockWriterOptions(), recovery, None).WaitAsync(TestCluster.Timeout);
        var data = StoreFixture.RandomBytes(bytes, seed);
        var write = new Write(cluster, block, coordinator, writer, data, flushed);
        await writer.WriteAsync(data.AsMemory(0, flushed == 0 ? bytes : flushed), None).AsTask().WaitAsync(TestCluster.Timeout);
        if (flushed > 0)
        {
            await writer.FlushAsync(None).WaitAsync(TestCluster.Timeout);
        }
        return write;
    }

    private sealed record Write(TestCluster Cluster, LocatedBlock Block, FakeCoordinator Coordinator, BlockWriter Writer, byte[] Data, int Flushed) : IAsyncDisposable
    {
        /// <summary>Writes the rest and closes the block.</summary>
        public async Task<ExtendedBlock> FinishAsync()
        {
            await Writer.WriteAsync(Data.AsMemory(Flushed == 0 ? Data.Length : Flushed), None).AsTask().WaitAsync(TestCluster.Timeout);
            return await Writer.CloseAsync(None).WaitAsync(TestCluster.Timeout);
        }

        /// <summary>Closes the block while the finalize after <paramref name="skip"/> others fails (finalizing goes from the last node up).</summary>
        public async Task<ExtendedBlock> CloseFailingFinalizeAsync(int skip)
        {
            using (FaultPoints.Arm(new FaultRule(FaultPoint.DataNodeBeforeFinalize, FaultAction.Throw, Skip: skip, Times: 1)))
            {
                return await Writer.CloseAsync(None).WaitAsync(TestCluster.Timeout);
            }
        }

        /// <summary>The block ended with all the data at <paramref name="generationStamp"/>, on <paramref name="pipeline"/>.</summary>
        public void AssertEndedOn(ExtendedBlock finished, ulong generationStamp, params string[] pipeline)
        {
            Assert.Equal((generationStamp, (ulong)Data.Length), (finished.GenerationStamp, finished.NumBytes));
            Assert.Equal(pipeline, Writer.Pipeline.Select(n => n.DatanodeUuid));
        }

        /// <summary>Each of <paramref name="nodes"/> holds the whole data, finalized at <paramref name="generationStamp"/>.</summary>
        public async Task AssertFinalizedAsync(int[] nodes, ulong generationStamp)
        {
            foreach (var node in nodes)
            {
                var report = Assert.Single(Cluster.Stores[node].Store.ListReplicas());
                Assert.Equal((ReplicaState.Finalized, generationStamp, (ulong)Data.Length), StoreFixture.StateOf(report));
                var readable = Cluster.ForRead(Block, report.Block);
                readable.Locations.Clear();
                readable.Locations.Add(Cluster.Nodes);
                Assert.Equal(Data, await TestCluster.ReadAsync(readable, node, 0, Data.Length));
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Writer.DisposeAsync();
            await Cluster.DisposeAsync();
        }
    }
}
