using CkptFS.Common;
using System.Text.Json;
using CkptFS.Client;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>put/get through a real cluster: bytes in once, out identical, 3 replicas on 3 nodes.</summary>
public sealed class DataPathTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>, IDisposable
{
    private const int SmallBlock = 64 * 1024;
    private readonly TempDirectory _local = new("ckptfs-local");

    private LocalClusterProcesses Cluster => fixture.Cluster;

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task AFileOfManyBlocksComesBackIdenticalWithThreeReplicasOnThreeNodes()
    {
        var source = TestFiles.WriteRandom(_local.Combine("model.bin"), 1_500_000, seed: 1);
        (await Cluster.CliAsync("put", "--block-size", "64K", source, "/many/model.bin")).EnsureSuccess();
        var back = _local.Combine("back.bin");
        (await Cluster.CliAsync("get", "/many/model.bin", back)).EnsureSuccess();
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(back));

        using var stat = JsonDocument.Parse((await Cluster.CliAsync("stat", "--json", "/many/model.bin")).EnsureSuccess().Stdout);
        var blocks = stat.RootElement.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal((1_500_000 + SmallBlock - 1) / SmallBlock, blocks.Count);
        Assert.All(blocks, block =>
        {
            var nodes = block.GetProperty("locations").EnumerateArray().Select(l => l.GetProperty("uuid").GetString()).ToList();
            Assert.Equal(3, nodes.Count);
            Assert.Equal(3, nodes.Distinct().Count());
        });
    }

    [Fact]
    public async Task OneGibibyteWithReplicationThree()
    {
        var source = TestFiles.WriteRandom(_local.Combine("big.bin"), 1L << 30, seed: 2);
        (await Cluster.CliAsync("put", "-r", "3", source, "/big/big.bin")).EnsureSuccess();
        var back = _local.Combine("big-back.bin");
        (await Cluster.CliAsync("get", "/big/big.bin", back)).EnsureSuccess();
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(back));
        using var stat = JsonDocument.Parse((await Cluster.CliAsync("stat", "--json", "/big/big.bin")).EnsureSuccess().Stdout);
        Assert.All(stat.RootElement.GetProperty("blocks").EnumerateArray(),
            block => Assert.Equal(3, block.GetProperty("locations").EnumerateArray().Select(l => l.GetProperty("uuid").GetString()).Distinct().Count()));
        (await Cluster.CliAsync("rm", "/big/big.bin")).EnsureSuccess();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(SmallBlock)]
    [InlineData(SmallBlock + 1)]
    [InlineData(3 * SmallBlock - 1)]
    public async Task EdgeSizesRoundTrip(int size)
    {
        var source = TestFiles.WriteRandom(_local.Combine($"edge-{size}"), size, seed: size);
        (await Cluster.CliAsync("put", "--block-size", "64K", source, $"/edge/size-{size}")).EnsureSuccess();
        var back = _local.Combine($"edge-{size}.back");
        (await Cluster.CliAsync("get", $"/edge/size-{size}", back)).EnsureSuccess();
        Assert.Equal(size, new FileInfo(back).Length);
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(back));
    }

    [Fact]
    public async Task ADirectoryTreeWithEmptyFoldersRoundTrips()
    {
        var tree = Directory.CreateDirectory(_local.Combine("ckpt", "step-100")).Parent!.FullName;
        Directory.CreateDirectory(Path.Combine(tree, "empty", "deeper"));
        for (var rank = 0; rank < 4; rank++)
        {
            TestFiles.WriteRandom(Path.Combine(tree, "step-100", $"rank-{rank}.pt"), 100_000 + rank, seed: 10 + rank);
        }
        (await Cluster.CliAsync("mkdir", "-p", "/trees")).EnsureSuccess();
        (await Cluster.CliAsync("put", "--block-size", "64K", tree, "/trees")).EnsureSuccess();
        var back = Directory.CreateDirectory(_local.Combine("restored")).FullName;
        (await Cluster.CliAsync("get", "/trees/ckpt", back)).EnsureSuccess();
        var restored = Path.Combine(back, "ckpt");
        Assert.True(Directory.Exists(Path.Combine(restored, "empty", "deeper")));
        for (var rank = 0; rank < 4; rank++)
        {
            Assert.Equal(TestFiles.Sha256(Path.Combine(tree, "step-100", $"rank-{rank}.pt")), TestFiles.Sha256(Path.Combine(restored, "step-100", $"rank-{rank}.pt")));
        }
    }

    [Fact]
    public async Task PutOverAnExistingFileNeedsForce()
    {
        var first = TestFiles.WriteRandom(_local.Combine("v1"), 70_000, seed: 21);
        var second = TestFiles.WriteRandom(_local.Combine("v2"), 90_000, seed: 22);
        (await Cluster.CliAsync("put", first, "/over/file")).EnsureSuccess();
        var refused = await Cluster.CliAsync("put", second, "/over/file");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("already exists (use -f", refused.Stderr, StringComparison.Ordinal);
        (await Cluster.CliAsync("put", "-f", second, "/over/file")).EnsureSuccess();
        var back = _local.Combine("over.back");
        (await Cluster.CliAsync("get", "/over/file", back)).EnsureSuccess();
        Assert.Equal(TestFiles.Sha256(second), TestFiles.Sha256(back));
    }

    [Fact]
    public async Task AReaderDuringAWriteSeesExactlyTheFlushedPrefix()
    {
        using var writerClient = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = Cluster.Address });
        using var readerClient = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = Cluster.Address });
        var data = new byte[300_000];
        new Random(31).NextBytes(data);
        var output = await writerClient.CreateAsync("/flush/live", new CreateFileOptions { BlockSizeBytes = SmallBlock });
        await using (output)
        {
            await output.WriteAsync(data.AsMemory(0, 100_000));
            await output.FlushAsync();
            // Written, not flushed, and within the open block (100,000..120,000 < 2 x 64 KiB): a
            // completed block's length becomes visible when the next block is added, as in HDFS.
            await output.WriteAsync(data.AsMemory(100_000, 20_000));

            await using (var reader = await readerClient.OpenAsync("/flush/live"))
            {
                Assert.True(reader.IsUnderConstruction);
                Assert.Equal(100_000, reader.Length);
                var seen = new byte[200_000];
                var total = 0;
                int read;
                while ((read = await reader.ReadAsync(seen.AsMemory(total))) > 0)
                {
                    total += read;
                }
                Assert.Equal(100_000, total);
                Assert.True(seen.AsSpan(0, total).SequenceEqual(data.AsSpan(0, 100_000)));
            }
            await output.WriteAsync(data.AsMemory(120_000));
        }
        await using var whole = await readerClient.OpenAsync("/flush/live");
        Assert.False(whole.IsUnderConstruction);
        var all = new byte[data.Length];
        Assert.Equal(data.Length, await whole.ReadAtAsync(0, all));
        Assert.Equal(data, all);
        var middle = new byte[1000];
        Assert.Equal(1000, await whole.ReadAtAsync(123_457, middle));
        Assert.True(middle.AsSpan().SequenceEqual(data.AsSpan(123_457, 1000)));
    }

    [Fact]
    public async Task ASmallFileWrittenWithItsFirstBlockAndRenamedOnCloseThroughTheSdk()
    {
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = Cluster.Address });
        var data = new byte[10_000];
        new Random(41).NextBytes(data);
        var options = new CreateFileOptions { AllocateFirstBlock = true, RenameOnClose = "/small/a.bin" };
        await using (var output = await client.CreateAsync("/small/a.bin.tmp", options))
        {
            await output.WriteAsync(data);
        }
        Assert.Null(await client.TryGetFileInfoAsync("/small/a.bin.tmp"));
        var closed = await client.GetFileInfoAsync("/small/a.bin");
        Assert.False(closed.UnderConstruction);
        Assert.Equal((ulong)data.Length, closed.Length);
        await using (var input = await client.OpenAsync("/small/a.bin"))
        {
            var back = new byte[data.Length];
            Assert.Equal(data.Length, await input.ReadAtAsync(0, back));
            Assert.Equal(data, back);
        }

        // Nothing written: the allocated block is given back, the file is empty, not a file with an empty block.
        await using (await client.CreateAsync("/small/empty.tmp", options with { RenameOnClose = "/small/empty" }))
        {
        }
        var empty = await client.GetFileInfoAsync("/small/empty");
        Assert.Equal((0UL, 0U), (empty.Length, empty.BlockCount));

        // A refused move fails the close and leaves the data under the temporary name, still open.
        var refused = await client.CreateAsync("/small/b.tmp", options);
        await refused.WriteAsync(data);
        var error = await Assert.ThrowsAnyAsync<CkptFsException>(() => refused.CloseAsync());
        Assert.Contains("/small/a.bin", error.Message, StringComparison.Ordinal);
        Assert.True((await client.GetFileInfoAsync("/small/b.tmp")).UnderConstruction);
        await client.DeleteAsync("/small/b.tmp");
        Assert.Equal((ulong)data.Length, (await client.GetFileInfoAsync("/small/a.bin")).Length);
    }

    [Fact]
    public async Task DeletingAFileRemovesItsReplicasFromTheDataNodes()
    {
        var source = TestFiles.WriteRandom(_local.Combine("doomed"), 200_000, seed: 81);
        (await Cluster.CliAsync("put", "--block-size", "64K", source, "/doomed/file")).EnsureSuccess();
        using var stat = JsonDocument.Parse((await Cluster.CliAsync("stat", "--json", "/doomed/file")).EnsureSuccess().Stdout);
        var blockIds = stat.RootElement.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("blockId").GetUInt64()).ToList();
        int ReplicaFiles() => blockIds.Sum(id => Directory.EnumerateFiles(Cluster.Directory, $"blk_{id}*", SearchOption.AllDirectories).Count());
        Assert.Equal(blockIds.Count * 3 * 2, ReplicaFiles()); // data + meta file per replica

        (await Cluster.CliAsync("rm", "-r", "/doomed")).EnsureSuccess();
        // Delete commands ride on heartbeat replies (every 3 s).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (ReplicaFiles() > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{ReplicaFiles()} replica files left after the delete.\n{Cluster.Logs()}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task ReportShowsThreeLiveDataNodes()
    {
        using var report = JsonDocument.Parse((await Cluster.CliAsync("report", "--json")).EnsureSuccess().Stdout);
        var nodes = report.RootElement.GetProperty("datanodes").EnumerateArray().ToList();
        Assert.Equal(3, nodes.Count);
        Assert.All(nodes, node => Assert.Equal("live", node.GetProperty("state").GetString()));
        Assert.All(nodes, node => Assert.True(node.GetProperty("capacityBytes").GetInt64() > 0));
        Assert.Contains("3 live", (await Cluster.CliAsync("report")).EnsureSuccess().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CatAndStdinAndStdoutWork()
    {
        var source = TestFiles.WriteRandom(_local.Combine("cat.bin"), 200_000, seed: 41);
        var put = await CliRun.RunAsync(["sh", "-c", $"cat '{source}' | ./ckptfs put - /cat/from-stdin"], new Dictionary<string, string>(Cluster.Environment), useShell: true);
        put.EnsureSuccess();
        var cat = await CliRun.RunAsync(["sh", "-c", $"./ckptfs cat /cat/from-stdin > '{_local.Combine("cat.out")}'"], new Dictionary<string, string>(Cluster.Environment), useShell: true);
        cat.EnsureSuccess();
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(_local.Combine("cat.out")));
    }
}
