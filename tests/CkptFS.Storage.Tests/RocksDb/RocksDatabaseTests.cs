using System.Globalization;
using CkptFS.Storage.RocksDb;

namespace CkptFS.Storage.Tests.RocksDb;

public sealed class RocksDatabaseTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void PutThenGetReturnsTheValueAndDeleteRemovesIt()
    {
        using var database = RocksDatabase.Open(_directory.Combine("db"));

        database.Put(Bytes.Of("inode/1"), Bytes.Of("root"), sync: true);
        database.Put(Bytes.Of("inode/2"), Bytes.Of("file"), sync: false);

        Assert.Equal("root", Bytes.Text(database.Get(Bytes.Of("inode/1"))!));
        Assert.Equal("file", Bytes.Text(database.Get(Bytes.Of("inode/2"))!));
        Assert.Null(database.Get(Bytes.Of("inode/3")));

        database.Delete(Bytes.Of("inode/1"), sync: true);
        Assert.Null(database.Get(Bytes.Of("inode/1")));
        Assert.False(database.TryGet(Bytes.Of("inode/1"), out var missing));
        Assert.Empty(missing);
        Assert.True(database.TryGet(Bytes.Of("inode/2"), out var present));
        Assert.Equal("file", Bytes.Text(present));
    }

    [Fact]
    public void EmptyValueIsStoredAndDistinctFromAbsent()
    {
        using var database = RocksDatabase.Open(_directory.Combine("db"));

        database.Put(Bytes.Of("k"), ReadOnlySpan<byte>.Empty, sync: false);

        var value = database.Get(Bytes.Of("k"));
        Assert.NotNull(value);
        Assert.Empty(value);
    }

    [Fact]
    public void PutOverwritesTheOldValue()
    {
        using var database = RocksDatabase.Open(_directory.Combine("db"));

        database.Put(Bytes.Of("k"), Bytes.Of("old"), sync: false);
        database.Put(Bytes.Of("k"), Bytes.Of("new"), sync: false);

        Assert.Equal("new", Bytes.Text(database.Get(Bytes.Of("k"))!));
    }

    [Fact]
    public void LargeValueRoundTripsThroughMemtableAndSstFile()
    {
        var value = new byte[6 * 1024 * 1024 + 17];
        new Random(42).NextBytes(value);
        var path = _directory.Combine("db");

        using (var database = RocksDatabase.Open(path))
        {
            database.Put(Bytes.Of("big"), value, sync: true);
            Assert.Equal(value, database.Get(Bytes.Of("big")));
            database.Flush();
        }

        using var reopened = RocksDatabase.Open(path);
        Assert.Equal(value, reopened.Get(Bytes.Of("big")));
    }

    [Fact]
    public void DataSurvivesCloseAndReopen()
    {
        var path = _directory.Combine("db");
        using (var database = RocksDatabase.Open(path))
        {
            database.Put(Bytes.Of("a"), Bytes.Of("1"), sync: true);
            database.Put(Bytes.Of("b"), Bytes.Of("2"), sync: true);
            database.Delete(Bytes.Of("a"), sync: true);
        }

        using var reopened = RocksDatabase.Open(path);
        Assert.Null(reopened.Get(Bytes.Of("a")));
        Assert.Equal("2", Bytes.Text(reopened.Get(Bytes.Of("b"))!));
    }

    [Fact]
    public void DisposeTwiceIsSafeAndLaterCallsThrowObjectDisposed()
    {
        var database = RocksDatabase.Open(_directory.Combine("db"));
        database.Put(Bytes.Of("k"), Bytes.Of("v"), sync: false);

        database.Dispose();
        database.Dispose();

        Assert.Throws<ObjectDisposedException>(() => database.Get(Bytes.Of("k")));
        Assert.Throws<ObjectDisposedException>(() => database.Put(Bytes.Of("k"), Bytes.Of("v"), sync: true));
        Assert.Throws<ObjectDisposedException>(() => database.NewIterator());
    }

    [Fact]
    public void DisposeReleasesTheLockSoTheSameProcessCanReopen()
    {
        var path = _directory.Combine("db");
        RocksDatabase.Open(path).Dispose();

        using var reopened = RocksDatabase.Open(path);
        reopened.Put(Bytes.Of("k"), Bytes.Of("v"), sync: true);
    }

    [Fact]
    public void FlushCompactAndPropertiesWork()
    {
        using var database = RocksDatabase.Open(_directory.Combine("db"), new RocksDbOptions { EnableStatistics = true });
        for (var i = 0; i < 100; i++)
        {
            database.Put(Bytes.Of($"key/{i:D3}"), Bytes.Of($"value {i}"), sync: false);
        }

        database.Flush();
        database.CompactRange();

        // One SST file after the compaction, at whichever level RocksDB put it (RocksDB 11 moves it
        // to the bottom level, 6).
        var files = Enumerable.Range(0, 7).Sum(level => int.Parse(database.GetProperty($"rocksdb.num-files-at-level{level}")!, CultureInfo.InvariantCulture));
        Assert.Equal(1, files);
        Assert.Contains("rocksdb.block.cache.miss", database.GetProperty("rocksdb.options-statistics") ?? "", StringComparison.Ordinal);
        Assert.Null(database.GetProperty("rocksdb.no-such-property"));
        Assert.Equal("value 42", Bytes.Text(database.Get(Bytes.Of("key/042"))!));
    }

    [Theory]
    [InlineData(RocksCompression.None)]
    [InlineData(RocksCompression.Snappy)]
    [InlineData(RocksCompression.Lz4)]
    [InlineData(RocksCompression.Zstd)]
    public void EveryCompressionOfThePackagedBuildOpensAndReadsBack(RocksCompression compression)
    {
        var options = new RocksDbOptions { Compression = compression, BlockCacheBytes = 4 * 1024 * 1024, MaxOpenFiles = 64 };
        var path = _directory.Combine("db");
        using (var database = RocksDatabase.Open(path, options))
        {
            database.Put(Bytes.Of("k"), new byte[4096], sync: false);
            database.Flush();
        }

        using var reopened = RocksDatabase.Open(path, options);
        Assert.Equal(new byte[4096], reopened.Get(Bytes.Of("k")));
    }

    [Fact]
    public void ManyThreadsWritingAndReadingConcurrentlyLoseNothing()
    {
        const int threads = 8;
        const int writesPerThread = 300;
        using var database = RocksDatabase.Open(_directory.Combine("db"));

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
        {
            for (var i = 0; i < writesPerThread; i++)
            {
                var key = Bytes.Of($"t{thread}/{i:D4}");
                database.Put(key, Bytes.Of($"{thread}:{i}"), sync: i % 50 == 0);
                Assert.Equal($"{thread}:{i}", Bytes.Text(database.Get(key)!));
            }
        });

        var count = 0;
        using var iterator = database.NewIterator();
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            count++;
        }

        Assert.Equal(threads * writesPerThread, count);
    }

    [Fact]
    public async Task DisposeWhileOtherThreadsWriteNeverCrashesTheProcess()
    {
        // Writers race Dispose: each call either completes or throws ObjectDisposedException; none
        // may reach a closed rocksdb_t (which would be a segfault, failing the whole run).
        var database = RocksDatabase.Open(_directory.Combine("db"));
        using var started = new CountdownEvent(4);
        // Dedicated threads (LongRunning): four busy loops would starve a 2-core thread pool for seconds.
        var writers = Enumerable.Range(0, 4).Select(thread => Task.Factory.StartNew(() =>
        {
            started.Signal();
            for (var i = 0; ; i++)
            {
                try
                {
                    database.Put(Bytes.Of($"{thread}/{i}"), Bytes.Of("v"), sync: false);
                }
                catch (ObjectDisposedException)
                {
                    return i;
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        Assert.True(started.Wait(TimeSpan.FromSeconds(10)));
        Thread.Sleep(20);
        database.Dispose();

        var writes = await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(writes, count => Assert.True(count > 0));
    }
}
