using CkptFS.Storage.RocksDb;

namespace CkptFS.Storage.Tests.RocksDb;

public sealed class RocksIteratorTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly RocksDatabase _database;

    public RocksIteratorTests()
    {
        _database = RocksDatabase.Open(_directory.Combine("db"));
    }

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void IterationIsInBytewiseKeyOrderBothWays()
    {
        byte[][] sorted = [[0x00], [0x00, 0x00], [0x01], [0x01, 0xFF], [0x7F], [0x80], [0xFF], [0xFF, 0x00]];
        foreach (var key in sorted.Reverse())
        {
            _database.Put(key, [(byte)key.Length], sync: false);
        }

        using var iterator = _database.NewIterator();
        var forward = new List<string>();
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            forward.Add(Convert.ToHexString(iterator.Key));
            Assert.Equal(iterator.Key.Length, iterator.Value[0]);
        }

        var backward = new List<string>();
        for (iterator.SeekToLast(); iterator.Valid; iterator.Prev())
        {
            backward.Add(Bytes.Hex(iterator.KeyArray()));
        }

        Assert.Equal(sorted.Select(Bytes.Hex), forward);
        Assert.Equal(sorted.Select(Bytes.Hex).Reverse(), backward);
    }

    [Fact]
    public void SeekLandsOnTheFirstKeyAtOrAfterTheTarget()
    {
        foreach (var key in new[] { "a", "c", "e" })
        {
            _database.Put(Bytes.Of(key), Bytes.Of(key.ToUpperInvariant()), sync: false);
        }

        using var iterator = _database.NewIterator();
        iterator.Seek(Bytes.Of("b"));
        Assert.True(iterator.Valid);
        Assert.Equal("c", Bytes.Text(iterator.KeyArray()));
        Assert.Equal("C", Bytes.Text(iterator.ValueArray()));

        iterator.Seek(Bytes.Of("e"));
        Assert.Equal("e", Bytes.Text(iterator.KeyArray()));

        iterator.Seek(Bytes.Of("f"));
        Assert.False(iterator.Valid);
    }

    [Fact]
    public void APrefixIteratorSeesExactlyTheKeysWithThePrefix()
    {
        byte[] prefix = [0x01, 0xFF];
        byte[][] inside = [[0x01, 0xFF], [0x01, 0xFF, 0x00], [0x01, 0xFF, 0xFF], [0x01, 0xFF, 0xFF, 0xFF, 0xFF]];
        byte[][] outside = [[0x01], [0x01, 0xFE, 0xFF], [0x02], [0x02, 0x00], [0x01, 0x00, 0xFF]];
        foreach (var key in inside.Concat(outside))
        {
            _database.Put(key, key, sync: false);
        }

        Assert.Equal(inside.Select(Bytes.Hex), Keys(_database.NewIterator(prefix), fromLast: false));
        Assert.Equal(inside.Select(Bytes.Hex).Reverse(), Keys(_database.NewIterator(prefix), fromLast: true));
        Assert.Equal(inside.Select(Bytes.Hex), _database.ScanPrefix(prefix).Select(pair => Bytes.Hex(pair.Value)));
    }

    [Fact]
    public void AnAllOnesPrefixHasNoUpperBoundAndStillStopsAtItsKeys()
    {
        byte[][] inside = [[0xFF, 0xFF], [0xFF, 0xFF, 0x00], [0xFF, 0xFF, 0xFF]];
        byte[][] outside = [[0xFF], [0xFF, 0xFE], [0xFE, 0xFF, 0xFF]];
        foreach (var key in outside.Concat(inside))
        {
            _database.Put(key, key, sync: false);
        }

        Assert.Equal(inside.Select(Bytes.Hex), Keys(_database.NewIterator([0xFF, 0xFF]), fromLast: false));
        Assert.Equal(inside.Select(Bytes.Hex).Reverse(), Keys(_database.NewIterator([0xFF, 0xFF]), fromLast: true));
    }

    [Fact]
    public void ScanPrefixOfAnAbsentPrefixIsEmpty()
    {
        _database.Put(Bytes.Of("inode/1"), Bytes.Of("x"), sync: false);

        Assert.Empty(_database.ScanPrefix(Bytes.Of("lease/")));
        Assert.Single(_database.ScanPrefix(Bytes.Of("inode/")));
    }

    [Fact]
    public void AnIteratorReadsTheSnapshotTakenAtItsCreation()
    {
        _database.Put(Bytes.Of("a"), Bytes.Of("before"), sync: false);
        using var iterator = _database.NewIterator();

        _database.Put(Bytes.Of("a"), Bytes.Of("after"), sync: false);
        _database.Put(Bytes.Of("b"), Bytes.Of("new"), sync: false);

        iterator.SeekToFirst();
        Assert.Equal("before", Bytes.Text(iterator.ValueArray()));
        iterator.Next();
        Assert.False(iterator.Valid);
    }

    [Fact]
    public void KeyOrNextOffAnEntryThrowsInsteadOfReadingGarbage()
    {
        using var iterator = _database.NewIterator();
        iterator.SeekToFirst();

        Assert.False(iterator.Valid);
        Assert.Throws<InvalidOperationException>(() => iterator.Key.Length);
        Assert.Throws<InvalidOperationException>(iterator.Next);
    }

    [Fact]
    public void ALiveIteratorKeepsTheDatabaseOpenUntilItIsDisposed()
    {
        var path = _directory.Combine("second");
        var database = RocksDatabase.Open(path);
        database.Put(Bytes.Of("k"), Bytes.Of("v"), sync: true);
        var iterator = database.NewIterator();

        database.Dispose();
        iterator.SeekToFirst();
        Assert.Equal("v", Bytes.Text(iterator.ValueArray()));
        Assert.Throws<RocksDbException>(() => RocksDatabase.Open(path)); // still locked: not closed yet

        iterator.Dispose();
        iterator.Dispose();
        using var reopened = RocksDatabase.Open(path);
        Assert.Equal("v", Bytes.Text(reopened.Get(Bytes.Of("k"))!));
    }

    [Fact]
    public void AnIteratorUsedAfterDisposeThrowsObjectDisposed()
    {
        _database.Put(Bytes.Of("k"), Bytes.Of("v"), sync: false);
        var iterator = _database.NewIterator();
        iterator.SeekToFirst();

        iterator.Dispose();

        Assert.Throws<ObjectDisposedException>(() => iterator.Valid);
        Assert.Throws<ObjectDisposedException>(iterator.SeekToFirst);
        Assert.Throws<ObjectDisposedException>(() => iterator.Seek(Bytes.Of("k")));
        Assert.Throws<ObjectDisposedException>(() => iterator.Key.Length);
    }

    private static List<string> Keys(RocksIterator iterator, bool fromLast)
    {
        using (iterator)
        {
            var keys = new List<string>();
            if (fromLast)
            {
                for (iterator.SeekToLast(); iterator.Valid; iterator.Prev())
                {
                    keys.Add(Bytes.Hex(iterator.KeyArray()));
                }
            }
            else
            {
                for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
                {
                    keys.Add(Bytes.Hex(iterator.KeyArray()));
                }
            }

            return keys;
        }
    }
}
