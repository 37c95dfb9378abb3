using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.Common.Checksums;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;
using Kind = CkptFS.Protocol.V1.IncrementalBlockReportRequest.Types.Kind;

namespace CkptFS.DataNode.Tests;

/// <summary>WRITE_BLOCK stage SETUP_STREAMING_RECOVERY: a pipeline rebuilt after a node failed goes on at a new genstamp.</summary>
public sealed class StreamingRecoveryTests
{
    [Fact]
    public async Task A_pipeline_that_lost_its_last_node_goes_on_at_a_new_genstamp()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var data = StoreFixture.RandomBytes(400_000, seed: 300);
        var block = cluster.NewBlock();
        var changes = new List<(Kind Kind, ulong GenerationStamp)>();
        cluster.Stores[0].Store.ReplicaChanged += change => { lock (changes) { changes.Add((change.Kind, change.Replica.Block.GenerationStamp)); } };
        await using var writer = await TestCluster.WriteFlushedAsync(block, data.AsMemory(0, 100_001));
        var acknowledged = writer.BytesAcknowledged;

        // The last node dies; the next packet's ack names it: node 1 reports its mirror as ERROR.
        await cluster.KillAsync(2);
        await writer.WriteAsync(data.AsMemory(100_001, 150_000), CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
        var failure = await Assert.ThrowsAsync<BlockPipelineException>(() => writer.FlushAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout));
        Assert.Equal((2, TransferStatus.Error), (failure.BadNodeIndex, failure.Status));
        Assert.Equal(100_001, acknowledged);

        // The client (still connected: node 0's old receiver waits for its next packet) rebuilds the
        // pipeline at genstamp 2 and resends from the start of the partial chunk that ends at 100_001.
        var recovered = new ExtendedBlock { BlockId = block.Block.BlockId, GenerationStamp = 2 };
        var header = HandWrite.Header(recovered, block.Token, PipelineStage.SetupStreamingRecovery, [cluster.Nodes[1]], acknowledged);
        var (pipeline, response) = await HandWrite.OpenAsync(cluster.Nodes[0], header);
        await using (pipeline)
        {
            Assert.Equal(TransferStatus.Success, response.Status);
            var resendFrom = (int)(acknowledged / 512 * 512);
            var acks = await pipeline.SendAsync(data, resendFrom, data.Length);
            Assert.All(acks, ack => Assert.Equal([TransferStatus.Success, TransferStatus.Success], ack.Replies));
            Assert.Equal([TransferStatus.Success, TransferStatus.Success], (await pipeline.CloseAsync(data.Length)).Replies);
        }

        foreach (var node in new[] { 0, 1 })
        {
            var report = Assert.Single(cluster.Stores[node].Store.ListReplicas());
            Assert.Equal((ReplicaState.Finalized, 2ul, (ulong)data.Length), StoreFixture.StateOf(report));
            var folder = cluster.Stores[node].Store.Volumes[0].FinalizedDirectoryOf(new BlockId(block.Block.BlockId));
            Assert.True(File.Exists(Path.Combine(folder, $"blk_{block.Block.BlockId}_2.meta")));
            Assert.Equal(data, await TestCluster.ReadAsync(cluster.ForRead(block, report.Block), node, 0, data.Length));
        }

        lock (changes)
        {
            Assert.Equal([(Kind.Receiving, 1ul), (Kind.Receiving, 2ul), (Kind.Received, 2ul)], changes);
        }

        Assert.True(cluster.Log.Contains(LogLevel.Information, "a recovery took the replica over"), "node 0's old receiver was stopped");
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Recovery_cuts_to_min_bytes_received_and_recomputes_the_partial_chunk_checksum()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var data = StoreFixture.RandomBytes(8000, seed: 301);
        var block = cluster.NewBlock();
        await (await TestCluster.WriteFlushedAsync(block, data)).DisposeAsync();

        // Only 6000 bytes (11 whole chunks and 368 bytes of chunk 11) were acknowledged by every node.
        var recovered = new ExtendedBlock { BlockId = block.Block.BlockId, GenerationStamp = 5 };
        var (pipeline, response) = await HandWrite.OpenAsync(cluster.Nodes[0], HandWrite.Header(recovered, block.Token, PipelineStage.SetupStreamingRecovery, minBytesReceived: 6000));
        await using (pipeline)
        {
            Assert.Equal(TransferStatus.Success, response.Status);
            Assert.Equal([TransferStatus.Success], (await pipeline.CloseAsync(6000)).Replies);
        }

        var store = cluster.Stores[0].Store;
        var report = Assert.Single(store.ListReplicas());
        Assert.Equal((ReplicaState.Finalized, 5ul, 6000ul), StoreFixture.StateOf(report));
        var meta = Path.Combine(store.Volumes[0].FinalizedDirectoryOf(new BlockId(block.Block.BlockId)), $"blk_{block.Block.BlockId}_5.meta");
        Assert.Equal(11 + (12 * ChunkChecksums.ChecksumSize), new FileInfo(meta).Length);
        using var input = store.OpenForRead(recovered);
        Assert.Equal(data[..6000], StoreFixture.ReadAll(input)); // ReadAll verifies every stored checksum
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Recovery_is_refused_for_finalized_current_missing_and_short_replicas()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var finalized = cluster.NewBlock([0]);
        await TestCluster.WriteAsync(finalized, StoreFixture.RandomBytes(3000, seed: 302));
        var rbw = cluster.NewBlock([0]);
        await (await TestCluster.WriteFlushedAsync(rbw, StoreFixture.RandomBytes(3000, seed: 303))).DisposeAsync();

        await AssertRefusedAsync(cluster, finalized, generationStamp: 2, 3000, ErrorCode.StaleGenerationStamp, "already finalized");
        await AssertRefusedAsync(cluster, rbw, generationStamp: 1, 3000, ErrorCode.StaleGenerationStamp, "not older than the recovery's 1");
        await AssertRefusedAsync(cluster, cluster.NewBlock([0]), generationStamp: 2, 0, ErrorCode.BlockNotFound, "is not on this DataNode");
        await AssertRefusedAsync(cluster, rbw, generationStamp: 2, 3001, ErrorCode.BlockNotFound, "fewer than the 3001 every node acknowledged");

        // Node 1 has no replica: node 0 names it in first_bad_link and keeps its own (now genstamp 2) rbw replica.
        var header = HandWrite.Header(new ExtendedBlock { BlockId = rbw.Block.BlockId, GenerationStamp = 2 }, rbw.Token, PipelineStage.SetupStreamingRecovery, [cluster.Nodes[1]], 3000);
        var (pipeline, response) = await HandWrite.OpenAsync(cluster.Nodes[0], header);
        await pipeline.DisposeAsync();
        Assert.Equal((ErrorCode.BlockNotFound, $"127.0.0.1:{cluster.Nodes[1].TransferPort}"), ((ErrorCode)response.ErrorCode, response.FirstBadLink));
        var kept = cluster.Stores[0].Store.Find(new BlockId(rbw.Block.BlockId));
        Assert.Equal((ReplicaState.Rbw, 2ul, 3000ul), StoreFixture.StateOf(kept));
        cluster.Log.AssertNoErrors();
    }

    private static async Task AssertRefusedAsync(TestCluster cluster, LocatedBlock block, ulong generationStamp, long minBytesReceived, ErrorCode code, string message)
    {
        var header = HandWrite.Header(new ExtendedBlock { BlockId = block.Block.BlockId, GenerationStamp = generationStamp }, block.Token,
            PipelineStage.SetupStreamingRecovery, minBytesReceived: minBytesReceived);
        var (pipeline, response) = await HandWrite.OpenAsync(cluster.Nodes[0], header);
        await pipeline.DisposeAsync();
        Assert.Equal(code, (ErrorCode)response.ErrorCode);
        Assert.Contains(message, response.Message, StringComparison.Ordinal);
        Assert.NotEqual(TransferStatus.Success, response.Status);
    }
}
