using CkptFS.Client;
using CkptFS.Client.BlockIO;
using CkptFS.Testing;
using Xunit.Abstractions;

namespace CkptFS.IntegrationTests.Security;

/// <summary>
/// Block tokens survive a NameNode restart (kill -9, started again on the same folder and port):
/// the restarted NameNode loads its block keys from its metadata, signs with the same current key
/// and hands the DataNodes the same keys. A long read and a long write across the restart finish
/// without errors and the bytes read back exactly; tokens issued before the restart are accepted by
/// DataNodes that only ever heard of the restarted NameNode.
/// </summary>
public sealed class BlockTokenRestartTests(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan Timeout = FixedPortCluster.Timeout;

    [Fact]
    public async Task ALongReadFinishesAcrossANameNodeRestartAndOldTokensStayValid()
    {
        using var cluster = await FixedPortCluster.StartAsync(3);
        var data = TestFiles.RandomBytes(6 * MiB, seed: 1401);
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address });
        await using (var file = await client.CreateAsync("/tokens/read.bin", new CreateFileOptions { BlockSizeBytes = MiB, Replication = 3, CreateParents = true }).WaitAsync(Timeout))
        {
            await file.WriteAsync(data).AsTask().WaitAsync(Timeout);
            await file.CloseAsync().WaitAsync(Timeout);
        }
        var before = FixedPortCluster.BlockKeysLogged(cluster.NameNode);
        var heldLocations = await client.GetBlockLocationsAsync("/tokens/read.bin").WaitAsync(Timeout);

        var actual = new byte[data.Length];
        await using var input = await client.OpenAsync("/tokens/read.bin").WaitAsync(Timeout);
        var read = await ReadAsync(input, actual, 0, 2 * MiB);

        // The NameNode dies mid-read and comes back; the read goes on meanwhile.
        var restart = cluster.RestartNameNodeAsync();
        read = await ReadAsync(input, actual, read, 3 * MiB);
        await restart.WaitAsync(Timeout);
        var after = FixedPortCluster.BlockKeysLogged(cluster.NameNode);
        output.WriteLine($"block key before the restart {before}, after {after}");
        Assert.Equal((before.KeyId, "new", "loaded"), (after.KeyId, before.Source, after.Source));

        // Every DataNode restarts too: now they know only the keys the restarted NameNode handed them.
        for (var i = 0; i < 3; i++)
        {
            await cluster.RestartDataNodeAsync(i);
        }
        await cluster.WaitForLiveDataNodesAsync(3);
        read = await ReadAsync(input, actual, read, data.Length);
        Assert.Equal(data.Length, read);
        Assert.True(data.AsSpan().SequenceEqual(actual), "the bytes read differ from the bytes written");

        // The tokens held from before the restart, on the data port directly (no failover, no refresh).
        foreach (var block in heldLocations.Blocks)
        {
            for (var replica = 0; replica < block.Locations.Count; replica++)
            {
                await using var reader = await BlockReader.OpenAsync(block, replica, 0, (long)block.Block.NumBytes, "held-token", new BlockReaderOptions(), CancellationToken.None)
                    .WaitAsync(Timeout);
                var bytes = new byte[block.Block.NumBytes];
                var filled = 0;
                while (filled < bytes.Length)
                {
                    filled += await reader.ReadAsync(bytes.AsMemory(filled), CancellationToken.None).AsTask().WaitAsync(Timeout);
                }
                Assert.True(data.AsSpan((int)block.Offset, bytes.Length).SequenceEqual(bytes), $"blk_{block.Block.BlockId} replica {replica} differs");
            }
        }
    }

    [Fact]
    public async Task ALongWriteFinishesAcrossANameNodeRestart()
    {
        using var cluster = await FixedPortCluster.StartAsync(3);
        var before = FixedPortCluster.BlockKeysLogged(cluster.NameNode);
        const long total = 8L * MiB;
        // 64 KiB writes 40 ms apart (about 5 s of writing), 1 MiB blocks: several AddBlocks wait for the restarted NameNode.
        using var writer = SlowWriter.Start(cluster.Address, "/tokens/write.bin", seed: 1402, totalBytes: total, flushEvery: 512 * 1024, pauseMs: 40,
            replication: 3, blockSize: MiB);
        await writer.WaitFlushedAsync(MiB, Timeout);
        Assert.False(writer.Process.HasExited, "the writer ended before the restart: the test proves nothing");
        await cluster.RestartNameNodeAsync().WaitAsync(Timeout);
        var flushedAtRestart = writer.Flushed;
        Assert.True(flushedAtRestart < total, $"the writer had flushed all {total} bytes before the restart ended: the test proves nothing");

        var exit = await writer.Process.WaitForExitAsync(Timeout);
        Assert.True(exit == 0, $"the writer exited {exit}:\n{writer.Process.Stdout}\n{writer.Process.Stderr}");
        Assert.Contains($"closed {total}", writer.Process.Stdout, StringComparison.Ordinal);
        var after = FixedPortCluster.BlockKeysLogged(cluster.NameNode);
        output.WriteLine($"flushed {flushedAtRestart} bytes when the restarted NameNode listened; block key before {before}, after {after}");
        Assert.Equal(before.KeyId, after.KeyId);

        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address });
        var actual = new byte[total];
        await using var input = await client.OpenAsync("/tokens/write.bin").WaitAsync(Timeout);
        Assert.Equal(total, await ReadAsync(input, actual, 0, (int)total));
        Assert.Equal(-1L, PatternData.FirstMismatch(1402, 0, actual));
    }

    /// <summary>Reads [from, to) of the stream into <paramref name="buffer"/> in 64 KiB steps; returns <paramref name="to"/>.</summary>
    private static async Task<int> ReadAsync(Stream input, byte[] buffer, int from, int to)
    {
        var position = from;
        while (position < to)
        {
            var read = await input.ReadAsync(buffer.AsMemory(position, Math.Min(64 * 1024, to - position))).AsTask().WaitAsync(Timeout);
            Assert.True(read > 0, $"the stream ended at {position} of {to}");
            position += read;
        }
        return position;
    }
}
