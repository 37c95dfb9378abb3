using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;
using Kind = CkptFS.Protocol.V1.IncrementalBlockReportRequest.Types.Kind;

namespace CkptFS.DataNode.Tests;

/// <summary>
/// TRANSFER_BLOCK (HDFS addDatanode2ExistingPipeline, step 1): a surviving node copies the acknowledged
/// bytes of its rbw replica to a replacement node, which keeps them rbw for the streaming recovery.
/// </summary>
public sealed class TransferBlockTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_replacement_node_joins_a_pipeline_that_lost_its_last_node_and_all_three_replicas_finalize_identical()
    {
        await using var cluster = await TestCluster.StartAsync(4);
        var data = StoreFixture.RandomBytes((3 * 1024 * 1024) + 777, seed: 400);
        var block = cluster.NewBlock([0, 1, 2]);
        var id = new BlockId(block.Block.BlockId);
        var changes = new List<(Kind Kind, ulong GenerationStamp, ulong Bytes)>();
        cluster.Stores[3].Store.ReplicaChanged += change => { lock (changes) { changes.Add((change.Kind, change.Replica.Block.GenerationStamp, change.Replica.Block.NumBytes)); } };
        const int Flushed = (2 * 1024 * 1024) + 1001; // the hflush ends mid-chunk
        await using var writer = await TestCluster.WriteFlushedAsync(block, data.AsMemory(0, Flushed));
        var acknowledged = writer.BytesAcknowledged;

        // Node 2 dies; packets after the hflush stay unacknowledged (nodes 0 and 1 hold some of them on disk).
        await cluster.KillAsync(2);
        // The failure surfaces in the write (the first packet's error ack came back before the rest was queued) or in the flush.
        var failure = await Assert.ThrowsAsync<BlockPipelineException>(async () =>
        {
            await writer.WriteAsync(data.AsMemory(Flushed, 300_000), None).AsTask().WaitAsync(TestCluster.Timeout);
            await writer.FlushAsync(None).WaitAsync(TestCluster.Timeout);
        });
        Assert.Equal(2, failure.BadNodeIndex);
        Assert.Equal(Flushed, acknowledged);

        // Step 1: node 0 (its old receiver still waiting for packets) copies the acknowledged bytes, at genstamp 1, to node 3.
        await TransferAsync(cluster, 0, At(block, 1, acknowledged), block.Token, cluster.Nodes[3]);
        Assert.Equal((ReplicaState.Rbw, 1ul, (ulong)acknowledged), StoreFixture.StateOf(cluster.Stores[3].Store.Find(id)));

        // Step 2: the pipeline [0, 1, 3] at genstamp 2 goes on from the start of the partial chunk that ends at the acknowledged length.
        var header = HandWrite.Header(new ExtendedBlock { BlockId = id.Value, GenerationStamp = 2 }, block.Token, PipelineStage.SetupStreamingRecovery,
            [cluster.Nodes[1], cluster.Nodes[3]], acknowledged);
        var (pipeline, response) = await HandWrite.OpenAsync(cluster.Nodes[0], header);
        await using (pipeline)
        {
            Assert.Equal(TransferStatus.Success, response.Status);
            var acks = await pipeline.SendAsync(data, (int)(acknowledged / 512 * 512), data.Length);
            Assert.All(acks, ack => Assert.Equal([TransferStatus.Success, TransferStatus.Success, TransferStatus.Success], ack.Replies));
            Assert.Equal([TransferStatus.Success, TransferStatus.Success, TransferStatus.Success], (await pipeline.CloseAsync(data.Length)).Replies);
        }

        var finished = new ExtendedBlock { BlockId = id.Value, GenerationStamp = 2, NumBytes = (ulong)data.Length };
        var readable = cluster.ForRead(block, finished);
        readable.Locations.Clear();
        readable.Locations.Add(cluster.Nodes);
        foreach (var node in new[] { 0, 1, 3 })
        {
            var store = cluster.Stores[node].Store;
            Assert.Equal((ReplicaState.Finalized, 2ul, (ulong)data.Length), StoreFixture.StateOf(store.Find(id)));
            using (var input = store.OpenForRead(finished))
            {
                Assert.Equal(data, StoreFixture.ReadAll(input)); // every stored checksum verifies
            }

            Assert.Equal(data, await TestCluster.ReadAsync(readable, node, 0, data.Length, bufferBytes: 1024 * 1024));
        }

        lock (changes)
        {
            Assert.Equal([(Kind.Receiving, 1ul, 0ul), (Kind.Receiving, 1ul, (ulong)acknowledged), (Kind.Receiving, 2ul, (ulong)acknowledged), (Kind.Received, 2ul, (ulong)data.Length)],
                changes);
        }

        Assert.True(cluster.Log.Contains(Microsoft.Extensions.Logging.LogLevel.Information, $"Transferred {acknowledged} bytes of rbw {id}"));
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task The_source_writer_goes_on_undisturbed_and_a_COPY_token_is_enough()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var data = StoreFixture.RandomBytes(2_000_000, seed: 401);
        var block = cluster.NewBlock([0]);
        var id = new BlockId(block.Block.BlockId);
        await using var writer = await TestCluster.WriteFlushedAsync(block, data.AsMemory(0, 1_000_003));

        await TransferAsync(cluster, 0, At(block, 1, 1_000_003), cluster.Token(block.Block, AccessMode.Copy), cluster.Nodes[1]);
        await writer.WriteAsync(data.AsMemory(1_000_003), None).AsTask().WaitAsync(TestCluster.Timeout);
        var closed = await writer.CloseAsync(None).WaitAsync(TestCluster.Timeout);

        Assert.Equal((ReplicaState.Finalized, 1ul, (ulong)data.Length), StoreFixture.StateOf(cluster.Stores[0].Store.Find(id)));
        Assert.Equal(data, await TestCluster.ReadAsync(cluster.ForRead(block, closed), 0, 0, data.Length));
        Assert.Equal((ReplicaState.Rbw, 1ul, 1_000_003ul), StoreFixture.StateOf(cluster.Stores[1].Store.Find(id)));
        using var copy = cluster.Stores[1].Store.OpenForRead(block.Block);
        Assert.Equal(data[..1_000_003], StoreFixture.ReadAll(copy));
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_prefix_of_a_replica_finalized_meanwhile_is_copied_and_continued_by_streaming_recovery()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var data = StoreFixture.RandomBytes(200_000, seed: 402);
        var block = cluster.NewBlock([0]);
        await TestCluster.WriteAsync(block, data);

        // 100_001 bytes end 161 bytes into chunk 195: that chunk's checksum is computed from the bytes sent.
        await TransferAsync(cluster, 0, At(block, 1, 100_001), block.Token, cluster.Nodes[1]);
        var header = HandWrite.Header(new ExtendedBlock { BlockId = block.Block.BlockId, GenerationStamp = 2 }, block.Token, PipelineStage.SetupStreamingRecovery,
            minBytesReceived: 100_001);
        var (pipeline, response) = await HandWrite.OpenAsync(cluster.Nodes[1], header);
        await using (pipeline)
        {
            Assert.Equal(TransferStatus.Success, response.Status);
            Assert.All(await pipeline.SendAsync(data, 100_001 / 512 * 512, 150_000), ack => Assert.Equal([TransferStatus.Success], ack.Replies));
            Assert.Equal([TransferStatus.Success], (await pipeline.CloseAsync(150_000)).Replies);
        }

        var finished = new ExtendedBlock { BlockId = block.Block.BlockId, GenerationStamp = 2, NumBytes = 150_000 };
        Assert.Equal((ReplicaState.Finalized, 2ul, 150_000ul), StoreFixture.StateOf(cluster.Stores[1].Store.Find(new BlockId(block.Block.BlockId))));
        using var input = cluster.Stores[1].Store.OpenForRead(finished);
        Assert.Equal(data[..150_000], StoreFixture.ReadAll(input));
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task The_source_refuses_a_missing_short_stale_or_unauthorized_replica()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var block = cluster.NewBlock([0]);
        await (await TestCluster.WriteFlushedAsync(block, StoreFixture.RandomBytes(100_000, seed: 403))).DisposeAsync();
        var missing = cluster.NewBlock([0]);

        await AssertSourceRefusesAsync(cluster, At(missing, 1, 0), missing.Token, ErrorCode.BlockNotFound, "is not on this DataNode");
        await AssertSourceRefusesAsync(cluster, At(block, 1, 100_001), block.Token, ErrorCode.BlockNotFound, "fewer than the 100001 to transfer");
        await AssertSourceRefusesAsync(cluster, At(block, 2, 1000), block.Token, ErrorCode.StaleGenerationStamp, "older than the 2 asked for");
        await AssertSourceRefusesAsync(cluster, At(block, 1, 1000), cluster.Token(block.Block, AccessMode.Read), ErrorCode.InvalidAccessToken, "does not allow Write or Copy");

        // A streaming recovery moved the replica on to genstamp 2: the writer's genstamp 1 is stale.
        var recovery = HandWrite.Header(new ExtendedBlock { BlockId = block.Block.BlockId, GenerationStamp = 2 }, block.Token, PipelineStage.SetupStreamingRecovery,
            minBytesReceived: 100_000);
        var (pipeline, response) = await HandWrite.OpenAsync(cluster.Nodes[0], recovery);
        await pipeline.DisposeAsync();
        Assert.Equal(TransferStatus.Success, response.Status);
        await AssertSourceRefusesAsync(cluster, At(block, 1, 1000), block.Token, ErrorCode.StaleGenerationStamp, "not the 1 to transfer");

        Assert.Empty(cluster.Stores[1].Store.ListReplicas());
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_target_that_has_the_block_at_the_same_or_a_newer_genstamp_refuses_the_copy()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var block = cluster.NewBlock([0, 1]);
        await (await TestCluster.WriteFlushedAsync(block, StoreFixture.RandomBytes(50_000, seed: 404))).DisposeAsync();
        var newer = block.Clone();
        newer.Block.GenerationStamp = 2;
        newer.Locations.Clear();
        newer.Locations.Add(cluster.Nodes[2]);
        await TestCluster.WriteAsync(newer, StoreFixture.RandomBytes(10_000, seed: 405));

        // Node 1's rbw replica has no writer any more, and is still not replaced by a copy.
        var same = await AssertTransferFailsAsync(cluster, At(block, 1, 50_000), block.Token, [cluster.Nodes[1]], ErrorCode.StaleGenerationStamp, "already exists here (Rbw, genstamp 1)");
        Assert.Equal(cluster.Nodes[1], same.BadTarget);
        var newest = await AssertTransferFailsAsync(cluster, At(block, 1, 50_000), block.Token, [cluster.Nodes[2]], ErrorCode.StaleGenerationStamp, "already exists here (Finalized, genstamp 2)");
        Assert.Equal(cluster.Nodes[2], newest.BadTarget);

        var id = new BlockId(block.Block.BlockId);
        Assert.Equal((ReplicaState.Rbw, 1ul, 50_000ul), StoreFixture.StateOf(cluster.Stores[1].Store.Find(id)));
        Assert.Equal((ReplicaState.Finalized, 2ul, 10_000ul), StoreFixture.StateOf(cluster.Stores[2].Store.Find(id)));
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_target_that_dies_mid_transfer_fails_it_naming_that_target_and_leaves_no_partial_copy()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var length = 3 * 1024 * 1024;
        var block = cluster.NewBlock([0]);
        await (await TestCluster.WriteFlushedAsync(block, StoreFixture.RandomBytes(length, seed: 406))).DisposeAsync();
        await using var dying = DyingTarget.Start(bytesBeforeDeath: 600_000);

        // Node 1 forwards to the dying target, whose ack never comes: node 1 reports its mirror as ERROR.
        var failure = await AssertTransferFailsAsync(cluster, At(block, 1, length), block.Token, [cluster.Nodes[1], dying.Node], ErrorCode.Unavailable,
            $"failed at target DataNode {dying.Address}");
        Assert.Equal(dying.Node, failure.BadTarget);

        var deadline = DateTime.UtcNow + TestCluster.Timeout;
        while (cluster.Stores[1].Store.ListReplicas().Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "node 1 kept the partial copy");
            await Task.Delay(20);
        }

        Assert.Equal((ReplicaState.Rbw, 1ul, (ulong)length), StoreFixture.StateOf(cluster.Stores[0].Store.Find(new BlockId(block.Block.BlockId))));
        cluster.Log.AssertNoErrors();
    }

    private static ExtendedBlock At(LocatedBlock block, ulong generationStamp, long bytes) =>
        new() { BlockId = block.Block.BlockId, GenerationStamp = generationStamp, NumBytes = (ulong)bytes };

    private static Task TransferAsync(TestCluster cluster, int source, ExtendedBlock block, AccessToken token, params DatanodeId[] targets) =>
        TransferBlockClient.TransferRbwAsync(cluster.Nodes[source], block, token, "test-client", targets, 512, TestCluster.Timeout, DataTransferDialer.For(cluster.CaFile), None).WaitAsync(TestCluster.Timeout);

    private static async Task<TransferBlockException> AssertTransferFailsAsync(TestCluster cluster, ExtendedBlock block, AccessToken token, DatanodeId[] targets,
        ErrorCode code, string message)
    {
        var failure = await Assert.ThrowsAsync<TransferBlockException>(() => TransferAsync(cluster, 0, block, token, targets));
        Assert.Equal(code, failure.Code);
        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
        return failure;
    }

    private static async Task AssertSourceRefusesAsync(TestCluster cluster, ExtendedBlock block, AccessToken token, ErrorCode code, string message)
    {
        var failure = await AssertTransferFailsAsync(cluster, block, token, [cluster.Nodes[1]], code, message);
        Assert.Null(failure.BadTarget);
        Assert.Contains($"failed at source DataNode 127.0.0.1:{cluster.Nodes[0].TransferPort}", failure.Message, StringComparison.Ordinal);
    }
}
