using CkptFS.Storage.RocksDb.Native;

namespace CkptFS.Storage.RocksDb;

/// <summary>
/// A cursor over a consistent snapshot of the database, taken at creation, in bytewise key order.
/// <see cref="Key"/> and <see cref="Value"/> are spans over RocksDB's memory: valid only until the next
/// move (Seek*, Next, Prev) or Dispose; copy with <see cref="KeyArray"/>/<see cref="ValueArray"/> to keep them.
/// One iterator is used by one thread at a time. Dispose it: the database closes only after its iterators go.
/// </summary>
public sealed unsafe class RocksIterator : IDisposable
{
    private readonly IteratorHandle _iterator;
    private readonly string _databasePath;

    internal RocksIterator(IteratorHandle iterator, string databasePath)
    {
        _iterator = iterator;
        _databasePath = databasePath;
    }

    /// <summary>
    /// True while the iterator is on an entry. When it is not, RocksDB's error status is checked: an
    /// iteration that stopped on an I/O error or corruption throws <see cref="RocksDbException"/>
    /// instead of looking like the end of the data.
    /// </summary>
    public bool Valid
    {
        get
        {
            if (RocksNative.IterValid(_iterator) != 0)
            {
                return true;
            }

            RocksNative.IterGetError(_iterator, out var error);
            RocksError.ThrowIfSet(error, "iterate", _databasePath);
            return false;
        }
    }

    /// <summary>The current key; valid until the iterator moves.</summary>
    public ReadOnlySpan<byte> Key
    {
        get
        {
            ThrowIfNotOnEntry();
            var pointer = RocksNative.IterKey(_iterator, out var length);
            return new ReadOnlySpan<byte>(pointer, checked((int)length));
        }
    }

    /// <summary>The current value; valid until the iterator moves.</summary>
    public ReadOnlySpan<byte> Value
    {
        get
        {
            ThrowIfNotOnEntry();
            var pointer = RocksNative.IterValue(_iterator, out var length);
            return new ReadOnlySpan<byte>(pointer, checked((int)length));
        }
    }

    public void SeekToFirst() => RocksNative.IterSeekToFirst(_iterator);

    public void SeekToLast() => RocksNative.IterSeekToLast(_iterator);

    /// <summary>Moves to the first key at or after <paramref name="key"/>.</summary>
    public void Seek(ReadOnlySpan<byte> key)
    {
        fixed (byte* keyPointer = key)
        {
            RocksNative.IterSeek(_iterator, keyPointer, (nuint)key.Length);
        }
    }

    public void Next()
    {
        ThrowIfNotOnEntry();
        RocksNative.IterNext(_iterator);
    }

    public void Prev()
    {
        ThrowIfNotOnEntry();
        RocksNative.IterPrev(_iterator);
    }

    public byte[] KeyArray() => Key.ToArray();

    public byte[] ValueArray() => Value.ToArray();

    public void Dispose() => _iterator.Dispose();

    // RocksDB asserts (in debug builds) or reads garbage (in release builds) on key/next of an
    // invalid iterator; one extra native call turns that into an exception.
    private void ThrowIfNotOnEntry()
    {
        if (RocksNative.IterValid(_iterator) == 0)
        {
            throw new InvalidOperationException("The iterator is not on an entry; check Valid first.");
        }
    }
}
