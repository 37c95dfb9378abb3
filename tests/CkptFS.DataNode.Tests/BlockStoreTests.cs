using CkptFS.Common;
using CkptFS.Common.Checksums;
using CkptFS.DataNode.BlockStore;
using CkptFS.Protocol.V1;
using Kind = CkptFS.Protocol.V1.IncrementalBlockReportRequest.Types.Kind;

namespace CkptFS.DataNode.Tests;

public sealed class BlockStoreTests
{
    [Fact]
    public void Written_replica_is_finalized_reported_and_read_back()
    {
        using var fixture = new StoreFixture();
        var changes = new List<(ulong Id, Kind Kind, ReplicaState State)>();
        fixture.Store.ReplicaChanged += change => changes.Add((change.Replica.Block.BlockId, change.Kind, change.Replica.State));

        var data = fixture.WriteFinalized(1, 300_000, seed: 1);

        Assert.Equal([(1ul, Kind.Receiving, ReplicaState.Rbw), (1ul, Kind.Received, ReplicaState.Finalized)], changes);
        var report = Assert.Single(fixture.Store.ListReplicas());
        Assert.Equal((ReplicaState.Finalized, 300_000ul), (report.State, report.Block.NumBytes));
        using var input = fixture.Store.OpenForRead(StoreFixture.Block(1));
        Assert.True(input.IsFinalized);
        Assert.Equal(data, StoreFixture.ReadAll(input));
        Assert.True(File.Exists(Path.Combine(fixture.Store.Volumes[0].FinalizedDirectoryOf(new BlockId(1)), "blk_1_1.meta")));
        Assert.Empty(Directory.GetFiles(fixture.Store.Volumes[0].RbwDirectory));
        Assert.Equal(1, fixture.Store.TransfersInProgress);
        fixture.Log.AssertNoErrors();
    }

    [Fact]
    public void Rbw_replica_is_readable_up_to_the_bytes_acknowledged()
    {
        using var fixture = new StoreFixture();
        var data = StoreFixture.RandomBytes(10_000, seed: 2);
        using var writer = fixture.Store.CreateRbw(StoreFixture.Block(2), 512);
        StoreFixture.Append(writer, 0, data.AsSpan(0, 5000));
        writer.Acknowledge(5000);
        StoreFixture.Append(writer, 4608, data.AsSpan(4608, 5392)); // resends the partial chunk, as after an hflush
        using var input = fixture.Store.OpenForRead(StoreFixture.Block(2));
        Assert.False(input.IsFinalized);
        Assert.Equal(5000, input.Length);
        Assert.Throws<CkptFsException>(() => fixture.Store.CreateRbw(StoreFixture.Block(2), 512));
        Assert.Throws<CkptFsException>(() => StoreFixture.Append(writer, 9216, new byte[10]));
    }

    [Fact]
    public void Restart_rebuilds_the_map_and_refuses_rewriting_a_finalized_block()
    {
        using var fixture = new StoreFixture(volumes: 2);
        var first = fixture.WriteFinalized(10, 70_000, seed: 3);
        var second = fixture.WriteFinalized(11, 1, seed: 4);
        fixture.WriteFinalized(12, 0, seed: 5);

        var store = fixture.Restart();

        Assert.Equal([10ul, 11ul, 12ul], store.ListReplicas().Select(report => report.Block.BlockId).Order());
        Assert.All(store.ListReplicas(), report => Assert.Equal(ReplicaState.Finalized, report.State));
        using (var input = store.OpenForRead(StoreFixture.Block(10)))
        {
            Assert.Equal(first, StoreFixture.ReadAll(input));
        }

        using (var input = store.OpenForRead(StoreFixture.Block(11)))
        {
            Assert.Equal(second, StoreFixture.ReadAll(input));
        }

        var refused = Assert.Throws<CkptFsException>(() => store.CreateRbw(StoreFixture.Block(10), 512));
        Assert.Equal(ErrorCode.StaleGenerationStamp, refused.Code);
        Assert.Equal(ErrorCode.StaleGenerationStamp, Assert.Throws<CkptFsException>(() => store.OpenForRead(StoreFixture.Block(10, generationStamp: 2))).Code);
        Assert.Equal(ErrorCode.BlockNotFound, Assert.Throws<CkptFsException>(() => store.OpenForRead(StoreFixture.Block(99))).Code);
        Assert.Equal(70_001, store.GetStorageReports().Sum(report => (long)report.UsedBytes));
    }

    [Fact]
    public void Restart_truncates_an_rbw_replica_to_its_verified_prefix()
    {
        using var fixture = new StoreFixture();
        var data = StoreFixture.RandomBytes(5000, seed: 6);
        string dataPath;
        using (var writer = fixture.Store.CreateRbw(StoreFixture.Block(20, 4), 512))
        {
            StoreFixture.Append(writer, 0, data);
            dataPath = Path.Combine(fixture.Store.Volumes[0].RbwDirectory, "blk_20");
        }

        // A torn write: chunk 6 (bytes 3072..3583) changed on disk after its checksum was stored.
        using (var file = File.OpenWrite(dataPath))
        {
            file.Position = 3100;
            file.WriteByte((byte)(data[3100] ^ 0xFF));
        }

        var store = fixture.Restart();

        var report = Assert.Single(store.ListReplicas());
        Assert.Equal((ReplicaState.Rbw, 3072ul, 4ul), (report.State, report.Block.NumBytes, report.Block.GenerationStamp));
        Assert.Equal(3072, new FileInfo(dataPath).Length);
        using var input = store.OpenForRead(StoreFixture.Block(20, 4));
        Assert.Equal(data[..3072], StoreFixture.ReadAll(input));
    }

    [Fact]
    public void Restart_sets_aside_a_finalized_replica_with_a_bad_meta_header_or_length()
    {
        using var fixture = new StoreFixture();
        fixture.WriteFinalized(30, 4000, seed: 7);
        fixture.WriteFinalized(31, 4000, seed: 8);
        fixture.WriteFinalized(32, 4000, seed: 9);
        var volume = fixture.Store.Volumes[0];
        var meta30 = Path.Combine(volume.FinalizedDirectoryOf(new BlockId(30)), "blk_30_1.meta");
        var bytes = File.ReadAllBytes(meta30);
        bytes[0] ^= 0xFF;
        File.WriteAllBytes(meta30, bytes);
        using (var data31 = File.OpenWrite(Path.Combine(volume.FinalizedDirectoryOf(new BlockId(31)), "blk_31")))
        {
            data31.SetLength(3000); // 6 chunks, while the meta holds 8 checksums
        }

        var store = fixture.Restart();

        Assert.Equal([32ul], store.ListReplicas().Select(report => report.Block.BlockId));
        Assert.Equal(["blk_30", "blk_30_1.meta", "blk_31", "blk_31_1.meta"], Directory.GetFiles(volume.CorruptDirectory).Select(Path.GetFileName).Order());
        Assert.True(fixture.Log.Contains(Microsoft.Extensions.Logging.LogLevel.Warning, "bad magic"));
        Assert.Equal(ErrorCode.BlockNotFound, Assert.Throws<CkptFsException>(() => store.OpenForRead(StoreFixture.Block(30))).Code);
    }

    [Fact]
    public void Delete_removes_files_and_reports_only_when_not_newer()
    {
        using var fixture = new StoreFixture();
        fixture.WriteFinalized(40, 1000, seed: 10);
        var deleted = new List<ulong>();
        fixture.Store.ReplicaChanged += change => deleted.AddRange(change.Kind == Kind.Deleted ? [change.Replica.Block.BlockId] : []);

        Assert.False(fixture.Store.Delete(StoreFixture.Block(40, generationStamp: 0)));
        Assert.False(fixture.Store.Delete(StoreFixture.Block(41)));
        Assert.True(fixture.Store.Delete(StoreFixture.Block(40)));

        Assert.Equal([40ul], deleted);
        Assert.Empty(fixture.Store.ListReplicas());
        Assert.Empty(Directory.GetFiles(fixture.Store.Volumes[0].FinalizedDirectory, "*", SearchOption.AllDirectories));
        Assert.Equal(0ul, fixture.Store.GetStorageReports()[0].UsedBytes);
    }

    [Fact]
    public void Storage_reports_and_round_robin_over_volumes()
    {
        using var fixture = new StoreFixture(volumes: 2);
        fixture.WriteFinalized(50, 2048, seed: 11);
        fixture.WriteFinalized(51, 1024, seed: 12);

        var reports = fixture.Store.GetStorageReports();
        Assert.Equal(2, reports.Count);
        Assert.Equal([1024ul, 2048ul], reports.Select(report => report.UsedBytes).Order());
        Assert.All(reports, report => Assert.True(report.CapacityBytes > 0 && report.RemainingBytes > 0 && report.RemainingBytes <= report.CapacityBytes && !report.Failed));
        Assert.NotEqual(reports[0].StorageId, reports[1].StorageId);
        var storages = fixture.Store.ListReplicas().Select(report => report.StorageId).Distinct();
        Assert.Equal(2, storages.Count());
        Assert.Equal(reports.Select(report => report.StorageId).Order(), fixture.Restart().GetStorageReports().Select(report => report.StorageId).Order());
    }

    [Fact]
    public void Options_validation_names_the_key_and_value()
    {
        var options = new DataNodeStorageOptions { DataFolders = ["/tmp/x"], PacketSizeBytes = 1000 };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("PacketSizeBytes = 1000", error.Message, StringComparison.Ordinal);
        Assert.Contains("DataFolders", Assert.Throws<ArgumentException>(new DataNodeStorageOptions().Validate).Message, StringComparison.Ordinal);
        Assert.Equal(ChunkChecksums.ChecksumSize, 4);
    }
}
