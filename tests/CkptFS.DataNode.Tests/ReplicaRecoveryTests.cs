using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.DataNode.Recovery;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;
using Kind = CkptFS.Protocol.V1.IncrementalBlockReportRequest.Types.Kind;

namespace CkptFS.DataNode.Tests;

/// <summary>INIT_REPLICA_RECOVERY and UPDATE_REPLICA_UNDER_RECOVERY over the data port, through <see cref="ReplicaRecoveryClient"/>.</summary>
public sealed class ReplicaRecoveryTests
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Init_stops_the_writer_of_an_rbw_replica_and_reports_its_verified_length()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var data = StoreFixture.RandomBytes(10_000, seed: 400);
        var block = cluster.NewBlock();
        await using var writer = await TestCluster.WriteFlushedAsync(block, data);

        var info = await InitAsync(cluster, block.Block, recoveryId: 5);

        Assert.Equal((1ul, 10_000ul, 10_000ul, false), (info.GenerationStamp, info.VerifiedLength, info.BytesOnDisk, info.Finalized));
        // The writer was cut off: its connection is closed, and the replica did not become finalized.
        await Assert.ThrowsAsync<BlockPipelineException>(async () =>
        {
            await writer.WriteAsync(data.AsMemory(0, 512), CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
            await writer.CloseAsync(CancellationToken.None).WaitAsync(TestCluster.Timeout);
        });
        var report = cluster.Stores[0].Store.Find(new BlockId(block.Block.BlockId));
        Assert.Equal((ReplicaState.Rbw, 10_000ul), (report!.State, report.Block.NumBytes));
        // Under recovery, no new writer may take the replica.
        var refused = await Assert.ThrowsAsync<BlockPipelineException>(() => BlockWriter.OpenAsync(
            cluster.ForRead(block, new ExtendedBlock { BlockId = block.Block.BlockId, GenerationStamp = 9 }), "other", new BlockWriterOptions(), CancellationToken.None)
            .WaitAsync(TestCluster.Timeout));
        Assert.Equal(ErrorCode.RecoveryInProgress, refused.Code);
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Init_reports_finalized_replicas_and_refuses_missing_stale_preempted_and_unauthorized()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var block = cluster.NewBlock();
        var finished = await TestCluster.WriteAsync(block, StoreFixture.RandomBytes(3000, seed: 401));

        var info = await InitAsync(cluster, finished, recoveryId: 10);
        Assert.Equal((1ul, 3000ul, 3000ul, true), (info.GenerationStamp, info.VerifiedLength, info.BytesOnDisk, info.Finalized));

        await AssertInitRefusedAsync(cluster, new ExtendedBlock { BlockId = 424242, GenerationStamp = 1 }, 10, ErrorCode.BlockNotFound, "is not on this DataNode");
        await AssertInitRefusedAsync(cluster, new ExtendedBlock { BlockId = finished.BlockId, GenerationStamp = 2 }, 11, ErrorCode.StaleGenerationStamp, "missed a pipeline update");
        await AssertInitRefusedAsync(cluster, finished, 10, ErrorCode.RecoveryInProgress, "already under block recovery 10");
        await AssertInitRefusedAsync(cluster, finished, 9, ErrorCode.RecoveryInProgress, "already under block recovery 10");

        // A newer recovery preempts the older one, whose UPDATE is then refused.
        Assert.True((await InitAsync(cluster, finished, recoveryId: 12)).Finalized);
        var preempted = await Assert.ThrowsAsync<CkptFsException>(() => UpdateAsync(cluster, finished, recoveryId: 10, newLength: 3000));
        Assert.Equal(ErrorCode.RecoveryInProgress, preempted.Code);
        Assert.Contains("newer block recovery 12", preempted.Message, StringComparison.Ordinal);

        var readOnly = await Assert.ThrowsAsync<CkptFsException>(() => ReplicaRecoveryClient.InitAsync(cluster.Nodes[0], finished, cluster.Token(finished, AccessMode.Read),
            13, CallTimeout, DataTransferDialer.Cleartext, CancellationToken.None).WaitAsync(TestCluster.Timeout));
        Assert.Equal(ErrorCode.InvalidAccessToken, readOnly.Code);
        var unreachable = await Assert.ThrowsAsync<CkptFsException>(() => ReplicaRecoveryClient.InitAsync(new DatanodeId { Host = "127.0.0.1", TransferPort = 1 }, finished,
            cluster.Token(finished, AccessMode.Recover), 13, CallTimeout, DataTransferDialer.Cleartext, CancellationToken.None).WaitAsync(TestCluster.Timeout));
        Assert.Equal(ErrorCode.Unavailable, unreachable.Code);
    }

    [Fact]
    public async Task Update_cuts_an_rbw_replica_mid_chunk_and_finalizes_it_at_the_recovery_genstamp()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var data = StoreFixture.RandomBytes(10_000, seed: 402);
        var block = cluster.NewBlock();
        await (await TestCluster.WriteFlushedAsync(block, data)).DisposeAsync();

        var store = cluster.Stores[0].Store;
        var changes = new List<(Kind Kind, ulong GenerationStamp, ulong Bytes)>();
        store.ReplicaChanged += change => changes.Add((change.Kind, change.Replica.Block.GenerationStamp, change.Replica.Block.NumBytes));
        await InitAsync(cluster, block.Block, recoveryId: 5);
        var tooLong = await Assert.ThrowsAsync<CkptFsException>(() => UpdateAsync(cluster, block.Block, recoveryId: 5, newLength: 10_001));
        Assert.Contains("10000 verified bytes, fewer than the 10001", tooLong.Message, StringComparison.Ordinal);

        // 7000 = 13 whole chunks and 344 bytes of chunk 13, whose checksum is computed again.
        Assert.Equal(7000, await UpdateAsync(cluster, block.Block, recoveryId: 5, newLength: 7000));

        var recovered = new ExtendedBlock { BlockId = block.Block.BlockId, GenerationStamp = 5, NumBytes = 7000 };
        Assert.Equal([(Kind.Received, 5ul, 7000ul)], changes);
        var report = Assert.Single(store.ListReplicas());
        Assert.Equal((ReplicaState.Finalized, 5ul, 7000ul), StoreFixture.StateOf(report));
        var folder = store.Volumes[0].FinalizedDirectoryOf(new BlockId(block.Block.BlockId));
        Assert.Equal([$"blk_{block.Block.BlockId}", $"blk_{block.Block.BlockId}_5.meta"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.Empty(Directory.GetFiles(store.Volumes[0].RbwDirectory));
        using (var input = store.OpenForRead(recovered))
        {
            Assert.Equal(data[..7000], StoreFixture.ReadAll(input)); // ReadAll checks every stored checksum
        }

        Assert.Equal(data[..7000], await TestCluster.ReadAsync(cluster.ForRead(block, recovered), 0, 0, 7000));
        // Restart: the finalized replica passes the meta/length check with the new genstamp.
        var restarted = cluster.Stores[0].Restart();
        Assert.Equal((ReplicaState.Finalized, 5ul, 7000ul), StoreFixture.StateOf(Assert.Single(restarted.ListReplicas())));
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Update_of_a_finalized_replica_of_that_length_only_takes_the_new_genstamp()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var block = cluster.NewBlock();
        var data = StoreFixture.RandomBytes(3000, seed: 403);
        var finished = await TestCluster.WriteAsync(block, data);
        await InitAsync(cluster, finished, recoveryId: 7);

        var shorter = await Assert.ThrowsAsync<CkptFsException>(() => UpdateAsync(cluster, finished, recoveryId: 7, newLength: 2000));
        Assert.Equal(ErrorCode.InvalidArgument, shorter.Code);
        Assert.Equal(3000, await UpdateAsync(cluster, finished, recoveryId: 7, newLength: 3000));
        // A retried UPDATE (its answer lost) is answered the same.
        Assert.Equal(3000, await UpdateAsync(cluster, finished, recoveryId: 7, newLength: 3000));

        var folder = cluster.Stores[0].Store.Volumes[0].FinalizedDirectoryOf(new BlockId(block.Block.BlockId));
        Assert.Equal([$"blk_{block.Block.BlockId}", $"blk_{block.Block.BlockId}_7.meta"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.Equal(data, await TestCluster.ReadAsync(cluster.ForRead(block, new ExtendedBlock { BlockId = finished.BlockId, GenerationStamp = 7, NumBytes = 3000 }), 0, 0, 3000));
    }

    [Fact]
    public async Task A_restart_forgets_the_recovery_and_a_newer_one_goes_on()
    {
        using var fixture = new StoreFixture();
        var data = StoreFixture.RandomBytes(5000, seed: 404);
        StoreFixture.WriteRbw(fixture.Store, StoreFixture.Block(70), data);

        var info = await fixture.Store.InitReplicaRecoveryAsync(StoreFixture.Block(70), 5, CancellationToken.None).WaitAsync(TestCluster.Timeout);
        Assert.Equal(5000ul, info.VerifiedLength);
        Assert.Equal(ErrorCode.RecoveryInProgress, Assert.Throws<CkptFsException>(() => fixture.Store.CreateRbw(StoreFixture.Block(70, generationStamp: 6), 512)).Code);

        var store = fixture.Restart();

        var forgotten = await Assert.ThrowsAsync<CkptFsException>(() => store.UpdateReplicaUnderRecoveryAsync(StoreFixture.Block(70), 5, 5000, CancellationToken.None)
            .WaitAsync(TestCluster.Timeout));
        Assert.Contains("under none: the DataNode may have restarted", forgotten.Message, StringComparison.Ordinal);
        Assert.Equal(ReplicaState.Rbw, Assert.Single(store.ListReplicas()).State);
        await store.InitReplicaRecoveryAsync(StoreFixture.Block(70), 6, CancellationToken.None).WaitAsync(TestCluster.Timeout);
        var finalized = await store.UpdateReplicaUnderRecoveryAsync(StoreFixture.Block(70), 6, 4999, CancellationToken.None).WaitAsync(TestCluster.Timeout);
        Assert.Equal((6ul, 4999ul), (finalized.GenerationStamp, finalized.NumBytes));
        using var input = store.OpenForRead(finalized);
        Assert.Equal(data[..4999], StoreFixture.ReadAll(input));
    }

    [Fact]
    public async Task Init_waits_for_the_writer_to_let_go_and_a_stopped_writer_cannot_finalize_or_discard()
    {
        using var fixture = new StoreFixture();
        var data = StoreFixture.RandomBytes(3000, seed: 405);
        var writer = fixture.Store.CreateRbw(StoreFixture.Block(80), 512);
        StoreFixture.Append(writer, 0, data);
        var stopRequested = new TaskCompletionSource();
        writer.StopRequested.Register(stopRequested.SetResult);

        var init = fixture.Store.InitReplicaRecoveryAsync(StoreFixture.Block(80), 3, CancellationToken.None);
        await stopRequested.Task.WaitAsync(TestCluster.Timeout);
        await Task.Delay(100);
        Assert.False(init.IsCompleted, "INIT must wait until the writer let go");
        Assert.Equal(ErrorCode.RecoveryInProgress, Assert.Throws<CkptFsException>(() => writer.FinalizeReplica()).Code);
        writer.Discard(); // a stopped writer leaves the replica to the recovery (and lets go)

        Assert.Equal(3000ul, (await init.WaitAsync(TestCluster.Timeout)).VerifiedLength);
        Assert.Equal(ReplicaState.Rbw, Assert.Single(fixture.Store.ListReplicas()).State);
    }

    [Fact]
    public async Task A_writer_that_does_not_stop_fails_the_init_after_the_socket_timeout()
    {
        using var fixture = new StoreFixture();
        fixture.Options.SocketTimeout = TimeSpan.FromMilliseconds(300);
        var store = fixture.Restart();
        using var writer = store.CreateRbw(StoreFixture.Block(90), 512);
        StoreFixture.Append(writer, 0, new byte[1000]);

        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<CkptFsException>(() => store.InitReplicaRecoveryAsync(StoreFixture.Block(90), 2, CancellationToken.None).WaitAsync(TestCluster.Timeout));

        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.Contains("did not stop within 0.3 s", error.Message, StringComparison.Ordinal);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Init_reports_only_the_prefix_whose_checksums_verify()
    {
        using var fixture = new StoreFixture();
        var data = StoreFixture.RandomBytes(9000, seed: 406);
        StoreFixture.WriteRbw(fixture.Store, StoreFixture.Block(100), data);

        CorruptByte(fixture.Store, 100, offset: 6700); // chunk 13: [6656, 7168)

        var info = await fixture.Store.InitReplicaRecoveryAsync(StoreFixture.Block(100), 2, CancellationToken.None).WaitAsync(TestCluster.Timeout);

        Assert.Equal((6656ul, 9000ul), (info.VerifiedLength, info.BytesOnDisk));
        Assert.Equal(9000, new FileInfo(Path.Combine(fixture.Store.Volumes[0].RbwDirectory, "blk_100")).Length); // INIT reads, never cuts
    }

    internal static void CorruptByte(BlockStore.BlockStore store, ulong blockId, long offset)
    {
        var path = Directory.EnumerateFiles(store.Volumes[0].Root, $"blk_{blockId}", SearchOption.AllDirectories).Single();
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x5A));
    }

    private static Task<ReplicaRecoveryInfo> InitAsync(TestCluster cluster, ExtendedBlock block, ulong recoveryId) =>
        ReplicaRecoveryClient.InitAsync(cluster.Nodes[0], block, cluster.Token(block, AccessMode.Recover), recoveryId, CallTimeout, DataTransferDialer.For(cluster.CaFile), CancellationToken.None)
            .WaitAsync(TestCluster.Timeout);

    private static Task<long> UpdateAsync(TestCluster cluster, ExtendedBlock block, ulong recoveryId, long newLength) =>
        ReplicaRecoveryClient.UpdateAsync(cluster.Nodes[0], block, cluster.Token(block, AccessMode.Recover), recoveryId, newLength, CallTimeout, DataTransferDialer.For(cluster.CaFile), CancellationToken.None)
            .WaitAsync(TestCluster.Timeout);

    private static async Task AssertInitRefusedAsync(TestCluster cluster, ExtendedBlock block, ulong recoveryId, ErrorCode code, string message)
    {
        var error = await Assert.ThrowsAsync<CkptFsException>(() => InitAsync(cluster, block, recoveryId));
        Assert.Equal(code, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
