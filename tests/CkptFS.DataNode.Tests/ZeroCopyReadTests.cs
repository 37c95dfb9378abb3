using CkptFS.Client.BlockIO;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.Tests;

/// <summary>
/// The sendfile path (BlockSender.ZeroCopy.cs) against the copy path, over real loopback sockets: the
/// same bytes for any range, a reader that stalls (EAGAIN, then poll) and one that stops for good
/// (the poll's timeout).
/// </summary>
public sealed class ZeroCopyReadTests
{
    [Fact]
    public async Task Zero_copy_and_copy_paths_hand_out_the_same_bytes_for_any_range()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        cluster.Stores[1].Options.ZeroCopyReads = false;
        var data = StoreFixture.RandomBytes((3 * 1024 * 1024) + 1234, seed: 300);
        var block = cluster.NewBlock();
        var readable = cluster.ForRead(block, await TestCluster.WriteAsync(block, data));

        var seed = Environment.TickCount;
        var random = new Random(seed);
        (long Offset, long Length)[] ranges = [(0, data.Length), (1, data.Length - 1), (data.Length - 1, 1), (511, 2), (512 * 1024 - 3, 7)];
        for (var i = 0; i < 10; i++)
        {
            var offset = random.NextInt64(data.Length);
            ranges = [.. ranges, (offset, random.NextInt64(data.Length - offset + 1))];
        }

        foreach (var (offset, length) in ranges)
        {
            var zeroCopy = await TestCluster.ReadAsync(readable, 0, offset, length, bufferBytes: 1 + random.Next(600_000));
            var copied = await TestCluster.ReadAsync(readable, 1, offset, length);
            Assert.True(data.AsSpan((int)offset, (int)length).SequenceEqual(zeroCopy), $"seed {seed}: zero-copy [{offset}, +{length})");
            Assert.True(zeroCopy.AsSpan().SequenceEqual(copied), $"seed {seed}: copy [{offset}, +{length})");
        }

        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_reader_that_pauses_gets_every_byte_after_the_socket_filled()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var data = StoreFixture.RandomBytes(24 * 1024 * 1024, seed: 301);
        var block = cluster.NewBlock();
        var readable = cluster.ForRead(block, await TestCluster.WriteAsync(block, data));

        await using var reader = await BlockReader.OpenAsync(readable, 0, 0, data.Length, "test-client", new BlockReaderOptions(), CancellationToken.None).WaitAsync(TestCluster.Timeout);
        var result = new byte[data.Length];
        var at = await reader.ReadAsync(result.AsMemory(0, 1000), CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);

        // Loopback buffers hold a few MiB: the DataNode's sendfile meets EAGAIN and waits in poll.
        await Task.Delay(500);
        while (at < data.Length)
        {
            var read = await reader.ReadAsync(result.AsMemory(at), CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
            Assert.NotEqual(0, read);
            at += read;
        }

        Assert.Equal(0, await reader.ReadAsync(result, CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout));
        Assert.Equal(data, result);
        cluster.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_reader_that_stops_reading_is_cut_off_after_the_socket_timeout()
    {
        await using var cluster = await TestCluster.StartAsync(1, socketTimeout: TimeSpan.FromSeconds(1));
        var data = StoreFixture.RandomBytes(24 * 1024 * 1024, seed: 302);
        var block = cluster.NewBlock();
        var readable = cluster.ForRead(block, await TestCluster.WriteAsync(block, data));

        await using var reader = await BlockReader.OpenAsync(readable, 0, 0, data.Length, "test-client", new BlockReaderOptions(), CancellationToken.None).WaitAsync(TestCluster.Timeout);
        Assert.NotEqual(0, await reader.ReadAsync(new byte[1000], CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout));

        await PipelineTests.WaitUntilAsync(() => cluster.Log.Contains(LogLevel.Warning, "took no data for 1 s"));
        cluster.Log.AssertNoErrors();
    }

    /// <summary>A packet read straight into the caller's buffer is verified there: a flipped byte still fails that replica only, and the DataNode hears of it.</summary>
    [Fact]
    public async Task A_flipped_byte_read_straight_into_the_callers_buffer_fails_that_replica_only()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var data = StoreFixture.RandomBytes(2 * 1024 * 1024, seed: 303);
        var block = cluster.NewBlock();
        var readable = cluster.ForRead(block, await TestCluster.WriteAsync(block, data));
        var path = Directory.GetFiles(cluster.Stores[0].Store.Volumes[0].FinalizedDirectory, $"blk_{block.Block.BlockId}", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(path);
        bytes[1_500_000] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var error = await Assert.ThrowsAsync<ChecksumMismatchException>(() => TestCluster.ReadAsync(readable, 0, 0, data.Length, bufferBytes: 4 * 1024 * 1024));
        Assert.Equal(1_500_000 / 512 * 512, error.Offset);
        Assert.Equal(data, await TestCluster.ReadAsync(readable, 1, 0, data.Length, bufferBytes: 4 * 1024 * 1024));
        await PipelineTests.WaitUntilAsync(() => cluster.Log.Contains(LogLevel.Warning, "reports a checksum error"));
    }
}
