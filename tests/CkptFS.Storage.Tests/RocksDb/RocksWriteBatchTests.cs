using CkptFS.Storage.RocksDb;

namespace CkptFS.Storage.Tests.RocksDb;

public sealed class RocksWriteBatchTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ABatchAppliesItsOperationsInOrder()
    {
        using var database = RocksDatabase.Open(_directory.Combine("db"));
        database.Put(Bytes.Of("gone"), Bytes.Of("x"), sync: false);
        using var batch = new RocksWriteBatch();

        batch.Put(Bytes.Of("a"), Bytes.Of("first"));
        batch.Put(Bytes.Of("a"), Bytes.Of("second"));
        batch.Put(Bytes.Of("b"), Bytes.Of("b"));
        batch.Delete(Bytes.Of("gone"));
        Assert.Equal(4, batch.Count);
        Assert.Null(database.Get(Bytes.Of("a")));

        database.Write(batch, sync: true);

        Assert.Equal("second", Bytes.Text(database.Get(Bytes.Of("a"))!));
        Assert.Equal("b", Bytes.Text(database.Get(Bytes.Of("b"))!));
        Assert.Null(database.Get(Bytes.Of("gone")));
    }

    [Fact]
    public void ClearEmptiesTheBatchForReuse()
    {
        using var database = RocksDatabase.Open(_directory.Combine("db"));
        using var batch = new RocksWriteBatch();
        batch.Put(Bytes.Of("discarded"), Bytes.Of("x"));

        batch.Clear();
        Assert.Equal(0, batch.Count);
        batch.Put(Bytes.Of("kept"), Bytes.Of("y"));
        database.Write(batch, sync: false);

        Assert.Null(database.Get(Bytes.Of("discarded")));
        Assert.Equal("y", Bytes.Text(database.Get(Bytes.Of("kept"))!));
    }

    [Fact]
    public void DeleteRangeRemovesBeginButNotEnd()
    {
        using var database = RocksDatabase.Open(_directory.Combine("db"));
        foreach (var key in new[] { "a", "b", "b1", "c", "d" })
        {
            database.Put(Bytes.Of(key), Bytes.Of(key), sync: false);
        }

        using var batch = new RocksWriteBatch();
        batch.DeleteRange(Bytes.Of("b"), Bytes.Of("d"));
        database.Write(batch, sync: true);

        var remaining = database.ScanPrefix([]).Select(pair => Bytes.Text(pair.Key));
        Assert.Equal(["a", "d"], remaining);
    }

    [Fact]
    public void ABatchUsedAfterDisposeThrowsObjectDisposed()
    {
        using var database = RocksDatabase.Open(_directory.Combine("db"));
        var batch = new RocksWriteBatch();
        batch.Put(Bytes.Of("k"), Bytes.Of("v"));

        batch.Dispose();
        batch.Dispose();

        Assert.Throws<ObjectDisposedException>(() => batch.Put(Bytes.Of("k"), Bytes.Of("v")));
        Assert.Throws<ObjectDisposedException>(() => batch.Count);
        Assert.Throws<ObjectDisposedException>(() => database.Write(batch, sync: true));
        Assert.Null(database.Get(Bytes.Of("k")));
    }

    [Fact]
    public async Task ReadersNeverSeeHalfABatch()
    {
        // The writer sets two keys to the same counter in one batch; an iterator is a point-in-time
        // snapshot, so if batches were not atomic some snapshot would catch "left" ahead of "right".
        using var database = RocksDatabase.Open(_directory.Combine("db"));
        using var batch = new RocksWriteBatch();
        WriteCounter(database, batch, 0);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var writer = Task.Factory.StartNew(
            () =>
            {
                for (var i = 1; !stop.IsCancellationRequested; i++)
                {
                    WriteCounter(database, batch, i);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        // Read until 100 distinct writer states were seen, so the reader surely overlapped the writer.
        var seen = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (seen.Count < 100 && DateTime.UtcNow < deadline && !writer.IsCompleted)
        {
            var pairs = database.ScanPrefix([]).ToDictionary(pair => Bytes.Text(pair.Key), pair => pair.Value);
            Assert.Equal(pairs["left"], pairs["right"]);
            seen.Add(BitConverter.ToInt32(pairs["left"]));
        }

        await stop.CancelAsync();
        await writer.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(seen.Count >= 100, $"the reader saw only {seen.Count} distinct states in 5 s");
    }

    private static void WriteCounter(RocksDatabase database, RocksWriteBatch batch, int value)
    {
        batch.Clear();
        batch.Put(Bytes.Of("left"), BitConverter.GetBytes(value));
        batch.Put(Bytes.Of("right"), BitConverter.GetBytes(value));
        database.Write(batch, sync: false);
    }
}
