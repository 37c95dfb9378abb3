using CkptFS.Client.BlockIO;
using CkptFS.Client.Streams;
using CkptFS.Common;
using CkptFS.DataNode.Tests.Client;
using CkptFS.Protocol.V1;
using CkptFS.Testing;

namespace CkptFS.DataNode.Tests;

public sealed class DiskFullTests
{
    [TmpfsFact]
    public void A_full_disk_fails_the_write_with_DiskFull_and_leaves_nothing_behind()
    {
        using var mount = TmpfsMount.Create(sizeKiB: 256);
        using var fixture = new StoreFixture(folders: [mount.Path]);
        var writer = fixture.Store.CreateRbw(StoreFixture.Block(60), 512);

        var error = Assert.Throws<CkptFsException>(() => StoreFixture.Append(writer, 0, new byte[1024 * 1024]));
        writer.Discard();

        Assert.Equal(ErrorCode.DiskFull, error.Code);
        Assert.Empty(fixture.Store.ListReplicas());
        Assert.Empty(Directory.GetFiles(fixture.Store.Volumes[0].RbwDirectory));
        Assert.Empty(Directory.GetFiles(fixture.Store.Volumes[0].FinalizedDirectory, "*", SearchOption.AllDirectories));

        // The space came back: a small replica fits again.
        var data = fixture.WriteFinalized(61, 4096, seed: 1);
        using var input = fixture.Store.OpenForRead(StoreFixture.Block(61));
        Assert.Equal(data, StoreFixture.ReadAll(input));
    }

    [TmpfsFact]
    public async Task A_node_whose_disk_fills_mid_block_is_named_by_ERROR_DISK_FULL_in_its_ack_slot()
    {
        using var mount = TmpfsMount.Create(sizeKiB: 512);
        await using var cluster = await TestCluster.StartAsync(3, folders: node => node == 1 ? mount.Path : null);
        var data = StoreFixture.RandomBytes(2 * 1024 * 1024, seed: 62);
        var block = cluster.NewBlock();

        var error = await Assert.ThrowsAsync<BlockPipelineException>(() => TestCluster.WriteAsync(block, data));

        Assert.Equal((1, TransferStatus.ErrorDiskFull, ErrorCode.DiskFull), (error.BadNodeIndex, error.Status, error.Code));
        // The full node discarded its replica; the others keep theirs as rbw for recovery; none is finalized.
        await PipelineTests.WaitUntilAsync(() => cluster.Stores[1].Store.ListReplicas().Count == 0);
        Assert.Empty(Directory.GetFiles(mount.Path, "blk_*", SearchOption.AllDirectories));
        foreach (var node in new[] { 0, 2 })
        {
            Assert.Equal(ReplicaState.Rbw, Assert.Single(cluster.Stores[node].Store.ListReplicas()).State);
            Assert.Empty(Directory.GetFiles(cluster.Stores[node].Store.Volumes[0].FinalizedDirectory, "*", SearchOption.AllDirectories));
        }

        Assert.True(cluster.Log.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "No space left on device"), "the full node logged why");
        cluster.Log.AssertNoErrors();
    }

    [TmpfsFact]
    public async Task When_every_node_of_a_pipeline_runs_out_of_space_the_write_fails_with_DiskFull_naming_them()
    {
        // Both disks fill at the same packet: the node that says so first is dropped, and the other,
        // which discarded its replica too, refuses the recovery with DiskFull instead of "not here".
        using var first = TmpfsMount.Create(sizeKiB: 512);
        using var second = TmpfsMount.Create(sizeKiB: 512);
        await using var cluster = await TestCluster.StartAsync(2, folders: node => node == 0 ? first.Path : second.Path);
        var full = new List<string>();
        var recovery = new PipelineRecovery(new FakeCoordinator(cluster), "/test/full", replication: 2, maxAttempts: 5, new List<string>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, full);
        var data = StoreFixture.RandomBytes(2 * 1024 * 1024, seed: 63);

        await using var writer = await BlockWriter.OpenAsync(cluster.NewBlock(), "test-client", new BlockWriterOptions(), recovery, CancellationToken.None)
            .WaitAsync(TestCluster.Timeout);
        var error = await Assert.ThrowsAnyAsync<CkptFsException>(async () =>
        {
            await writer.WriteAsync(data, CancellationToken.None);
            await writer.CloseAsync(CancellationToken.None);
        }).WaitAsync(TestCluster.Timeout);

        Assert.Equal(ErrorCode.DiskFull, error.Code);
        Assert.Contains("the DataNodes are full", error.Message, StringComparison.Ordinal);
        Assert.Equal(["dn0", "dn1"], full.Order(StringComparer.Ordinal));
        foreach (var node in new[] { 0, 1 })
        {
            Assert.Empty(cluster.Stores[node].Store.ListReplicas());
        }
    }
}
