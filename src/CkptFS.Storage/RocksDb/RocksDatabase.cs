using CkptFS.Storage.RocksDb.Native;

namespace CkptFS.Storage.RocksDb;

/// <summary>
/// An open RocksDB database: the NameNode's durable metadata store.
/// <para>
/// Thread safety: every method may be called from many threads at once, as RocksDB's own DB object
/// allows. Dispose may race with calls in flight: the native handle counts them and closes the
/// database only after the last one returns (and after every <see cref="RocksIterator"/> made from
/// it is disposed); a call that starts after Dispose throws <see cref="ObjectDisposedException"/>.
/// </para>
/// <para>
/// Durability: a write with <c>sync: true</c> returns only after the WAL record is fsynced, so it
/// survives a process or machine crash. An unsynced write survives a process crash but not a power loss.
/// </para>
/// </summary>
public sealed unsafe class RocksDatabase : IDisposable
{
    private readonly DbHandle _db;

    // Cached because every NameNode mutation is a write: creating options per call would be two
    // native allocations per mutation for nothing.
    private readonly WriteOptionsHandle _syncWrite;
    private readonly WriteOptionsHandle _unsyncedWrite;
    private readonly ReadOptionsHandle _read;

    private RocksDatabase(DbHandle db, string path)
    {
        _db = db;
        Path = path;
        _syncWrite = new WriteOptionsHandle(RocksNative.WriteOptionsCreate());
        RocksNative.WriteOptionsSetSync(_syncWrite, 1);
        _unsyncedWrite = new WriteOptionsHandle(RocksNative.WriteOptionsCreate());
        _read = ReadOptionsHandle.Create();
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
        RocksLibrary.EnsureLoaded();
        var fullPath = System.IO.Path.GetFullPath(path);

        nint db;
        using (var nativeOptions = NativeOptions.Create(options))
        {
            db = RocksNative.Open(nativeOptions, fullPath, out var error);
            RocksError.ThrowIfSet(error, "open", fullPath);
        }

        return new RocksDatabase(new DbHandle(db), fullPath);
    }

    /// <summary>Returns a copy of the value stored under <paramref name="key"/>, or null when there is none.</summary>
    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        nint value;
        nuint length;
        nint error;
        fixed (byte* keyPointer = key)
        {
            value = RocksNative.Get(_db, _read, keyPointer, (nuint)key.Length, out length, out error);
        }

        RocksError.ThrowIfSet(error, "get", Path);
        if (value == 0)
        {
            return null;
        }

        try
        {
            return new ReadOnlySpan<byte>((void*)value, checked((int)length)).ToArray();
        }
        finally
        {
            RocksNative.Free(value);
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
        nint error;
        fixed (byte* keyPointer = key)
        fixed (byte* valuePointer = value)
        {
            RocksNative.Put(_db, WriteOptions(sync), keyPointer, (nuint)key.Length, valuePointer, (nuint)value.Length, out error);
        }

        RocksError.ThrowIfSet(error, "put", Path);
    }

    /// <summary>Removes <paramref name="key"/> (absent keys are fine); with <paramref name="sync"/> the WAL is fsynced before return.</summary>
    public void Delete(ReadOnlySpan<byte> key, bool sync)
    {
        nint error;
        fixed (byte* keyPointer = key)
        {
            RocksNative.Delete(_db, WriteOptions(sync), keyPointer, (nuint)key.Length, out error);
        }

        RocksError.ThrowIfSet(error, "delete", Path);
    }

    /// <summary>Applies every operation of <paramref name="batch"/> atomically: readers and a crash see all or none.</summary>
    public void Write(RocksWriteBatch batch, bool sync)
    {
        ArgumentNullException.ThrowIfNull(batch);
        RocksNative.Write(_db, WriteOptions(sync), batch.Handle, out var error);
        RocksError.ThrowIfSet(error, "write", Path);
    }

    /// <summary>
    /// A new iterator over a consistent snapshot taken now. With a non-empty <paramref name="prefix"/>
    /// it sees exactly the keys that start with the prefix (RocksDB's iterate lower and upper bounds),
    /// so SeekToFirst lands on the first such key and Valid turns false after the last one.
    /// </summary>
    public RocksIterator NewIterator(ReadOnlySpan<byte> prefix = default)
    {
        var readOptions = ReadOptionsHandle.CreateForPrefix(prefix);
        try
        {
            return new RocksIterator(IteratorHandle.Create(_db, readOptions), Path);
        }
        catch
        {
            readOptions.Dispose();
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
        using var options = new FlushOptionsHandle(RocksNative.FlushOptionsCreate());
        RocksNative.FlushOptionsSetWait(options, 1);
        RocksNative.Flush(_db, options, out var error);
        RocksError.ThrowIfSet(error, "flush", Path);
    }

    /// <summary>A RocksDB property such as "rocksdb.stats" or "rocksdb.estimate-num-keys"; null when RocksDB does not know it.</summary>
    public string? GetProperty(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return RocksError.TakeString(RocksNative.PropertyValue(_db, name));
    }

    /// <summary>Compacts the whole key range (drops deleted and overwritten entries); blocks until done.</summary>
    public void CompactRange()
    {
        RocksNative.CompactRange(_db, null, 0, null, 0);
    }

    /// <summary>Closes the database once in-flight calls and live iterators are done. Safe to call twice.</summary>
    public void Dispose()
    {
        _db.Dispose();
        _syncWrite.Dispose();
        _unsyncedWrite.Dispose();
        _read.Dispose();
    }

    private WriteOptionsHandle WriteOptions(bool sync) => sync ? _syncWrite : _unsyncedWrite;

    private IEnumerable<KeyValuePair<byte[], byte[]>> ScanPrefixCore(byte[] prefix)
    {
        using var iterator = NewIterator(prefix);
        for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
        {
            yield return new KeyValuePair<byte[], byte[]>(iterator.KeyArray(), iterator.ValueArray());
        }
    }
}
