using RocksDbSharp;
using NativeRocksDbException = RocksDbSharp.RocksDbException;
using SharpDb = RocksDbSharp.RocksDb;

namespace CkptFS.Storage.RocksDb;

/// <summary>
/// An open RocksDB database: the NameNode's durable metadata store, on RocksDbSharp (the NuGet
/// package <c>RocksDB</c>, which ships the native library).
/// <para>
/// Thread safety: every method may be called from many threads at once, as RocksDB's own DB object
/// allows. Dispose may race with calls in flight: each call holds a reference (see
/// <see cref="RocksDbReferences"/>), so the database closes only after the last call returns and
/// after every <see cref="RocksIterator"/> made from it is disposed; a call that starts after Dispose
/// throws <see cref="ObjectDisposedException"/>.
/// </para>
/// <para>
/// Durability: a write with <c>sync: true</c> returns only after the WAL record is fsynced, so it
/// survives a process or machine crash. An unsynced write survives a process crash but not a power loss.
/// On a full disk a write fails with <see cref="Common.ErrorCode.DiskFull"/>; one that was already
/// waiting in a write stall for a flush that then failed waits instead, until RocksDB's own recovery
/// sees free space again (RocksDB 11; 7.8 failed it).
/// </para>
/// </summary>
public sealed class RocksDatabase : IDisposable
{
    // Cached because every NameNode mutation is a write: creating options per call would be a
    // native allocation (and a finalizer) per mutation for nothing.
    private static readonly WriteOptions SyncWrite = new WriteOptions().SetSync(true);
    private static readonly WriteOptions UnsyncedWrite = new WriteOptions().SetSync(false);
    private static readonly FlushOptions WaitingFlush = new FlushOptions().SetWaitForFlush(true);

    private readonly RocksDbReferences _references;

    private RocksDatabase(SharpDb db, string path)
    {
        _references = new RocksDbReferences(db);
        Path = path;
    }

    /// <summary>The database folder, as an absolute path.</summary>
    public string Path { get; }

    /// <summary>Opens (by default creating) the database in folder <paramref name="path"/>.</summary>
    /// <exception cref="RocksDbException">RocksDB refused, with its reason (locked by another process, corrupt, not a folder).</exception>
    public static RocksDatabase Open(string path, RocksDbOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new RocksDbOptions();
        options.Validate();
        var fullPath = System.IO.Path.GetFullPath(path);
        try
        {
            return new RocksDatabase(SharpDb.Open(RocksDbSharpOptions.Create(options), fullPath), fullPath);
        }
        catch (NativeRocksDbException error)
        {
            throw RocksErrors.Translate(error, "open", fullPath);
        }
    }

    /// <summary>Returns a copy of the value stored under <paramref name="key"/>, or null when there is none.</summary>
    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        var db = _references.Acquire();
        try
        {
            return db.Get(key);
        }
        catch (NativeRocksDbException error)
        {
            throw RocksErrors.Translate(error, "get", Path);
        }
        finally
        {
            _references.Release();
        }
    }

    /// <summary>Like <see cref="Get"/>; false (and an empty array) when the key is absent.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out byte[] value)
    {
        var found = Get(key);
        value = found ?? [];
        return found is not null;
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>; with <paramref name="sync"/> the WAL is fsynced before return.</summary>
    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool sync)
    {
        var db = _references.Acquire();
        try
        {
            db.Put(key, value, writeOptions: WriteOptions(sync));
        }
        catch (NativeRocksDbException error)
        {
            throw RocksErrors.Translate(error, "put", Path);
        }
        finally
        {
            _references.Release();
        }
    }

    /// <summary>Removes <paramref name="key"/> (absent keys are fine); with <paramref name="sync"/> the WAL is fsynced before return.</summary>
    public void Delete(ReadOnlySpan<byte> key, bool sync)
    {
        var db = _references.Acquire();
        try
        {
            db.Remove(key, writeOptions: WriteOptions(sync));
        }
        catch (NativeRocksDbException error)
        {
            throw RocksErrors.Translate(error, "delete", Path);
        }
        finally
        {
            _references.Release();
        }
    }

    /// <summary>Applies every operation of <paramref name="batch"/> atomically: readers and a crash see all or none.</summary>
    public void Write(RocksWriteBatch batch, bool sync)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var db = _references.Acquire();
        try
        {
            db.Write(batch.Batch, WriteOptions(sync));
        }
        catch (NativeRocksDbException error)
        {
            throw RocksErrors.Translate(error, "write", Path);
        }
        finally
        {
            _references.Release();
        }
    }

    /// <summary>
    /// A new iterator over a consistent snapshot taken now. With a non-empty <paramref name="prefix"/>
    /// it sees exactly the keys that start with the prefix (RocksDB's iterate lower and upper bounds),
    /// so SeekToFirst lands on the first such key and Valid turns false after the last one.
    /// </summary>
    public RocksIterator NewIterator(ReadOnlySpan<byte> prefix = default)
    {
        var db = _references.Acquire();
        try
        {
            // The iterator keeps the reference until it is disposed: RocksDB requires iterators to
            // be destroyed before their database closes.
            return new RocksIterator(db.NewIterator(readOptions: PrefixReadOptions(prefix)), _references, Path);
        }
        catch
        {
            _references.Release();
            throw;
        }
    }

    /// <summary>
    /// Every key-value pair whose key starts with <paramref name="prefix"/>, in key order, as copied
    /// arrays (two allocations per entry; use <see cref="NewIterator"/> to read spans without copying).
    /// The snapshot is taken when enumeration starts; the iterator is disposed when it ends or is abandoned.
    /// </summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> ScanPrefix(ReadOnlySpan<byte> prefix)
    {
        return ScanPrefixCore(prefix.ToArray());
    }

    /// <summary>Flushes the memtable to an SST file and waits for it.</summary>
    public void Flush()
    {
        var db = _references.Acquire();
        try
        {
            db.Flush(WaitingFlush);
        }
        catch (NativeRocksDbException error)
        {
            throw RocksErrors.Translate(error, "flush", Path);
        }
        finally
        {
            _references.Release();
        }
    }

    /// <summary>A RocksDB property such as "rocksdb.stats" or "rocksdb.estimate-num-keys"; null when RocksDB does not know it.</summary>
    public string? GetProperty(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var db = _references.Acquire();
        try
        {
            return db.GetProperty(name);
        }
        finally
        {
            _references.Release();
        }
    }

    /// <summary>Compacts the whole key range (drops deleted and overwritten entries); blocks until done.</summary>
    public void CompactRange()
    {
        var db = _references.Acquire();
        try
        {
            db.CompactRange((byte[]?)null, null);
        }
        finally
        {
            _references.Release();
        }
    }

    /// <summary>Closes the database once in-flight calls and live iterators are done. Safe to call twice.</summary>
    public void Dispose() => _references.Dispose();

    private static WriteOptions WriteOptions(bool sync) => sync ? SyncWrite : UnsyncedWrite;

    /// <summary>
    /// Read options bounded to <paramref name="prefix"/>: lower bound the prefix itself, upper bound
    /// its successor (none for an all-0xFF prefix, whose keys run to the end of the key space).
    /// RocksDbSharp copies the bounds into memory that the options own, and the iterator keeps the
    /// options alive, because RocksDB reads the bounds in place for the iterator's whole life.
    /// </summary>
    private static ReadOptions? PrefixReadOptions(ReadOnlySpan<byte> prefix)
    {
        if (prefix.IsEmpty)
        {
            return null;
        }

        var options = new ReadOptions().SetIterateLowerBound(prefix.ToArray());
        var successorLength = KeyPrefix.SuccessorLength(prefix);
        if (successorLength > 0)
        {
            var successor = new byte[successorLength];
            KeyPrefix.WriteSuccessor(prefix, successor);
            options.SetIterateUpperBound(successor);
        }

        return options;
    }

    private IEnumerable<KeyValuePair<byte[], byte[]>> ScanPrefixCore(byte[] prefix)
    {
        using var iterator = NewIterator(prefix);
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            yield return new KeyValuePair<byte[], byte[]>(iterator.KeyArray(), iterator.ValueArray());
        }
    }
}
