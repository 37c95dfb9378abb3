using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.DataNode.Replication;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging.Abstractions;

namespace CkptFS.DataNode.Tests;

/// <summary>Re-replication copies between real DataTransferServers: a replica on node 0 streamed to nodes 1 and 2.</summary>
public sealed class BlockCopierTests
{
    [Fact]
    public async Task A_finalized_replica_is_copied_down_a_two_node_pipeline_with_a_COPY_token()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var data = StoreFixture.RandomBytes((1024 * 1024) + 333, seed: 300);
        var (block, finished) = await WriteToFirstNodeAsync(cluster, data);

        var copied = await BlockCopier.CopyAsync(cluster.Stores[0].Store, Transfer(cluster, finished, 1, 2), new BlockWriterOptions(), CancellationToken.None)
            .WaitAsync(TestCluster.Timeout);

        Assert.Equal(data.Length, copied);
        var readable = ReadableOnAll(cluster, block, finished);
        Assert.Equal(data, await TestCluster.ReadAsync(readable, 1, 0, data.Length));
        Assert.Equal(data, await TestCluster.ReadAsync(readable, 2, 0, data.Length));
        Assert.All(cluster.Stores.Skip(1), s => Assert.Equal(ReplicaState.Finalized, Assert.Single(s.Store.ListReplicas()).State));
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_corrupt_source_fails_the_copy_and_finalizes_nothing_on_the_target()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var data = StoreFixture.RandomBytes(600_000, seed: 301);
        var (_, finished) = await WriteToFirstNodeAsync(cluster, data);
        var path = Directory.GetFiles(cluster.Stores[0].Store.Volumes[0].FinalizedDirectory, $"blk_{finished.BlockId}", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(path);
        bytes[500_000] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var error = await Assert.ThrowsAsync<CkptFsException>(() =>
            BlockCopier.CopyAsync(cluster.Stores[0].Store, Transfer(cluster, finished, 1), new BlockWriterOptions(), CancellationToken.None).WaitAsync(TestCluster.Timeout));

        Assert.Equal(ErrorCode.ChecksumMismatch, error.Code);
        Assert.Contains($"chunk {500_000 / 512}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(cluster.Stores[1].Store.ListReplicas(), r => r.State == ReplicaState.Finalized);
    }

    [Fact]
    public async Task The_worker_runs_a_replicate_command_in_the_background()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var data = StoreFixture.RandomBytes(200_000, seed: 302);
        var (_, finished) = await WriteToFirstNodeAsync(cluster, data);
        var command = new ReplicateBlocksCommand();
        command.Transfers.Add(Transfer(cluster, finished, 1));

        await using (var worker = new BlockTransferWorker(cluster.Stores[0].Store, new BlockTransferOptions(), NullLogger<BlockTransferWorker>.Instance))
        {
            worker.Enqueue(command);
            var deadline = DateTime.UtcNow + TestCluster.Timeout;
            while (!cluster.Stores[1].Store.ListReplicas().Any(r => r.State == ReplicaState.Finalized))
            {
                Assert.True(DateTime.UtcNow < deadline, "the copy did not arrive in time");
                await Task.Delay(20);
            }
        }

        Assert.Equal((ulong)data.Length, Assert.Single(cluster.Stores[1].Store.ListReplicas()).Block.NumBytes);
    }

    private static async Task<(LocatedBlock Block, ExtendedBlock Finished)> WriteToFirstNodeAsync(TestCluster cluster, byte[] data)
    {
        var block = cluster.NewBlock(nodes: [0]);
        return (block, await TestCluster.WriteAsync(block, data));
    }

    /// <summary>What the NameNode's command carries: the block, the targets, a COPY-only token.</summary>
    private static ReplicateBlocksCommand.Types.Transfer Transfer(TestCluster cluster, ExtendedBlock block, params int[] targets)
    {
        var transfer = new ReplicateBlocksCommand.Types.Transfer
        {
            Block = block,
            Token = BlockTokens.Issue(cluster.Key, "dn0", new BlockId(block.BlockId), [AccessMode.Copy], DateTimeOffset.UtcNow.AddHours(1)),
        };
        transfer.Targets.AddRange(targets.Select(i => cluster.Nodes[i]));
        return transfer;
    }

    private static LocatedBlock ReadableOnAll(TestCluster cluster, LocatedBlock written, ExtendedBlock finished)
    {
        var block = cluster.ForRead(written, finished);
        block.Locations.Clear();
        block.Locations.AddRange(cluster.Nodes);
        return block;
    }
}
