using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Tests;

public sealed class PipelineTests
{
    [Fact]
    public async Task Three_replicas_are_identical_and_read_back_whole_and_in_random_ranges()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var data = StoreFixture.RandomBytes((5 * 1024 * 1024) + 777, seed: 100);
        var block = cluster.NewBlock();

        var finished = await TestCluster.WriteAsync(block, data);

        Assert.Equal((ulong)data.Length, finished.NumBytes);
        foreach (var store in cluster.Stores)
        {
            var report = Assert.Single(store.Store.ListReplicas());
            Assert.Equal((ReplicaState.Finalized, (ulong)data.Length), (report.State, report.Block.NumBytes));
            var file = Directory.GetFiles(store.Store.Volumes[0].FinalizedDirectory, $"blk_{block.Block.BlockId}", SearchOption.AllDirectories);
            Assert.Equal(data, File.ReadAllBytes(Assert.Single(file)));
        }

        var readable = cluster.ForRead(block, finished);
        Assert.Equal(data, await TestCluster.ReadAsync(readable, replica: 0, 0, data.Length));
        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var i = 0; i < 12; i++)
        {
            var offset = random.NextInt64(data.Length);
            var length = random.NextInt64(Math.Min(data.Length - offset, 300_000) + 1);
            var replica = i % 3;
            var read = await TestCluster.ReadAsync(readable, replica, offset, length, bufferBytes: 1 + random.Next(70_000));
            Assert.True(data.AsSpan((int)offset, (int)length).SequenceEqual(read), $"seed {seed}: replica {replica} [{offset}, +{length})");
        }

        Assert.Empty(await TestCluster.ReadAsync(readable, 1, data.Length, 0));
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Flush_makes_an_rbw_prefix_readable_before_close()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var data = StoreFixture.RandomBytes(200_000, seed: 101);
        var block = cluster.NewBlock();
        await using var writer = await BlockWriter.OpenAsync(block, "test-client", new BlockWriterOptions(), CancellationToken.None).WaitAsync(TestCluster.Timeout);

        await writer.WriteAsync(data.AsMemory(0, 100_001), CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
        Assert.Equal(100_001, await writer.FlushAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout));

        foreach (var store in cluster.Stores)
        {
            var report = Assert.Single(store.Store.ListReplicas());
            Assert.Equal((ReplicaState.Rbw, 100_001ul), (report.State, report.Block.NumBytes));
        }

        var visible = cluster.ForRead(block, new ExtendedBlock { BlockId = block.Block.BlockId, GenerationStamp = 1, NumBytes = 100_001 });
        Assert.Equal(data[..100_001], await TestCluster.ReadAsync(visible, 2, 0, 100_001));
        Assert.Equal(data[99_000..100_001], await TestCluster.ReadAsync(visible, 1, 99_000, 1001));
        await Assert.ThrowsAsync<CkptFsException>(() => TestCluster.ReadAsync(visible, 0, 0, 100_002));

        // The rest continues from the partial chunk; the close finalizes every replica.
        await writer.WriteAsync(data.AsMemory(100_001), CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
        var finished = await writer.CloseAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout);
        Assert.Equal((ulong)data.Length, finished.NumBytes);
        Assert.Equal(data.Length, writer.BytesAcknowledged);
        Assert.Equal(data, await TestCluster.ReadAsync(cluster.ForRead(block, finished), 0, 0, data.Length));
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_flipped_byte_on_disk_fails_that_replica_only()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var data = StoreFixture.RandomBytes(300_000, seed: 102);
        var block = cluster.NewBlock();
        var readable = cluster.ForRead(block, await TestCluster.WriteAsync(block, data));
        var path = Directory.GetFiles(cluster.Stores[0].Store.Volumes[0].FinalizedDirectory, $"blk_{block.Block.BlockId}", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(path);
        bytes[200_000] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var error = await Assert.ThrowsAsync<ChecksumMismatchException>(() => TestCluster.ReadAsync(readable, 0, 0, data.Length));
        Assert.Equal(200_000 / 512 * 512, error.Offset);
        Assert.Contains($"127.0.0.1:{cluster.Nodes[0].TransferPort}", error.Message, StringComparison.Ordinal);
        Assert.Equal(data, await TestCluster.ReadAsync(readable, 1, 0, data.Length));
        await WaitUntilAsync(() => cluster.Log.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "reports a checksum error"));
    }

    [Fact]
    public async Task Setup_failure_names_the_unreachable_node()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var block = cluster.NewBlock();
        var dead = new Protocol.V1.DatanodeId { Host = "127.0.0.1", TransferPort = 1 };
        block.Locations.Add(dead);

        var error = await Assert.ThrowsAsync<BlockPipelineException>(() => BlockWriter.OpenAsync(block, "test-client", new BlockWriterOptions(), CancellationToken.None).WaitAsync(TestCluster.Timeout));

        Assert.Equal((2, "127.0.0.1:1"), (error.BadNodeIndex, error.FirstBadLink));
        Assert.All(cluster.Stores, store => Assert.Empty(store.Store.ListReplicas()));
    }

    [Fact]
    public async Task A_DataNode_source_writes_with_COPY_access_and_a_client_needs_WRITE()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var data = StoreFixture.RandomBytes(70_000, seed: 103);
        var copy = cluster.NewBlock(modes: [AccessMode.Copy, AccessMode.Read]);

        await using (var writer = await BlockWriter.OpenAsync(copy, clientName: "", new BlockWriterOptions(), CancellationToken.None).WaitAsync(TestCluster.Timeout))
        {
            await writer.WriteAsync(data, CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
            var finished = await writer.CloseAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout);
            Assert.Equal(data, await TestCluster.ReadAsync(cluster.ForRead(copy, finished), 1, 0, data.Length));
        }

        var refused = await Assert.ThrowsAsync<BlockPipelineException>(() => BlockWriter.OpenAsync(cluster.NewBlock(modes: [AccessMode.Copy]), "client", new BlockWriterOptions(), CancellationToken.None).WaitAsync(TestCluster.Timeout));
        Assert.Equal((ErrorCode.InvalidAccessToken, TransferStatus.ErrorAccessToken, 0), (refused.Code, refused.Status, refused.BadNodeIndex));
        cluster.Log.AssertNoErrors();
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TestCluster.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
