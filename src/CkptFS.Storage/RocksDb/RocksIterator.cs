using RocksDbSharp;
using NativeRocksDbException = RocksDbSharp.RocksDbException;

namespace CkptFS.Storage.RocksDb;

/// <summary>
/// A cursor over a consistent snapshot of the database, taken at creation, in bytewise key order.
/// <see cref="Key"/> and <see cref="Value"/> are spans over RocksDB's memory: valid only until the next
/// move (Seek*, Next, Prev) or Dispose; copy with <see cref="KeyArray"/>/<see cref="ValueArray"/> to keep them.
/// One iterator is used by one thread at a time. Dispose it: the database closes only after its iterators go.
/// </summary>
public sealed class RocksIterator : IDisposable
{
    private readonly Iterator _iterator;
    private readonly RocksDbReferences _database;
    private readonly string _databasePath;
    private bool _disposed;

    /// <summary>Takes over one reference on <paramref name="database"/>, released by <see cref="Dispose"/>.</summary>
    internal RocksIterator(Iterator iterator, RocksDbReferences database, string databasePath)
    {
        _iterator = iterator;
        _database = database;
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
            if (Live().Valid())
            {
                return true;
            }

            try
            {
                RocksDbSharp.Native.Instance.rocksdb_iter_get_error(_iterator.Handle);
            }
            catch (NativeRocksDbException error)
            {
                throw RocksErrors.Translate(error, "iterate", _databasePath);
            }

            return false;
        }
    }

    /// <summary>The current key; valid until the iterator moves.</summary>
    public ReadOnlySpan<byte> Key
    {
        get
        {
            ThrowIfNotOnEntry();
            return _iterator.GetKeySpan();
        }
    }

    /// <summary>The current value; valid until the iterator moves.</summary>
    public ReadOnlySpan<byte> Value
    {
        get
        {
            ThrowIfNotOnEntry();
            return _iterator.GetValueSpan();
        }
    }

    public void SeekToFirst() => Live().SeekToFirst();

    public void SeekToLast() => Live().SeekToLast();

    /// <summary>Moves to the first key at or after <paramref name="key"/>.</summary>
    public void Seek(ReadOnlySpan<byte> key) => Live().Seek(key);

    public void Next()
    {
        ThrowIfNotOnEntry();
        _iterator.Next();
    }

    public void Prev()
    {
        ThrowIfNotOnEntry();
        _iterator.Prev();
    }

    public byte[] KeyArray() => Key.ToArray();

    public byte[] ValueArray() => Value.ToArray();

    /// <summary>Destroys the native iterator, then gives back its reference on the database. Safe to call twice.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _iterator.Dispose();
        _database.Release();
    }

    // RocksDbSharp's iterator passes a null handle to RocksDB after Dispose (a crash, not an
    // exception); one owner thread at a time means a plain flag suffices.
    private Iterator Live()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _iterator;
    }

    // RocksDB asserts (in debug builds) or reads garbage (in release builds) on key/next of an
    // invalid iterator; one extra native call turns that into an exception.
    private void ThrowIfNotOnEntry()
    {
        if (!Live().Valid())
        {
            throw new InvalidOperationException("The iterator is not on an entry; check Valid first.");
        }
    }
}
