using System.Collections.Concurrent;
using CkptFS.DataNode.Scanner;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Time.Testing;

namespace CkptFS.DataNode.Tests;

public class BlockScannerTests
{
    [Fact]
    public async Task AFlippedByteIsFoundReportedOnceAndGoodReplicasAreNot()
    {
        using var fixture = new StoreFixture();
        fixture.WriteFinalized(1, 300_000, seed: 1);
        fixture.WriteFinalized(2, 200_000, seed: 2);
        fixture.WriteFinalized(3, 100_000, seed: 3);
        FlipByte(fixture, blockId: 2, offset: 150_000);
        var reports = new ConcurrentQueue<(ulong Block, string Reason)>();
        await using var scanner = new BlockScanner(new BlockScannerOptions { BytesPerSecond = 1L << 30 }, fixture.Store,
            (block, reason, _) => { reports.Enqueue((block.BlockId, reason)); return Task.CompletedTask; }, TimeProvider.System, fixture.Log.For<BlockScanner>());

        Assert.Equal(1, await scanner.ScanOnceAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        var report = Assert.Single(reports);
        Assert.Equal(2UL, report.Block);
        Assert.Contains($"chunk {150_000 / 512}", report.Reason, StringComparison.Ordinal);
        Assert.Equal(600_000, scanner.BytesScanned);

        // Found once, told once: the next pass does not repeat the report.
        Assert.Equal(0, await scanner.ScanOnceAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(reports);
        Assert.Equal(2, scanner.PassesCompleted);
    }

    [Fact]
    public async Task APassStaysUnderTheRate()
    {
        using var fixture = new StoreFixture();
        fixture.WriteFinalized(1, 2 * 1024 * 1024, seed: 4);
        var time = new FakeTimeProvider();
        await using var scanner = new BlockScanner(new BlockScannerOptions { BytesPerSecond = 1024 * 1024 }, fixture.Store,
            (_, _, _) => Task.CompletedTask, time, fixture.Log.For<BlockScanner>());

        // 2 MiB at 1 MiB/s: the pass must wait for 2 s of (fake) time before it ends.
        var pass = scanner.ScanOnceAsync(CancellationToken.None);
        await Task.Delay(200);
        Assert.False(pass.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(200);
        Assert.False(pass.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Equal(0, await pass.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private static void FlipByte(StoreFixture fixture, ulong blockId, long offset)
    {
        var path = Directory.EnumerateFiles(fixture.Options.DataFolders[0], $"blk_{blockId}", SearchOption.AllDirectories).Single();
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x01));
    }
}
