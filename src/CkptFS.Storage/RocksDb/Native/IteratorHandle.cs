namespace CkptFS.Storage.RocksDb.Native;

/// <summary>
/// An iterator (<c>rocksdb_iterator_t</c>). It keeps its database and its read options alive: RocksDB
/// requires iterators to be destroyed before the database closes, and reads the bound keys from the
/// read options' memory for the iterator's whole life. Release order: iterator, options, database.
/// </summary>
internal sealed class IteratorHandle : RocksHandle
{
    private readonly DbHandle _db;
    private readonly ReadOptionsHandle _readOptions;

    private IteratorHandle(nint pointer, DbHandle db, ReadOptionsHandle readOptions)
        : base(pointer)
    {
        _db = db;
        _readOptions = readOptions;
    }

    /// <summary>Creates an iterator; on success it owns <paramref name="readOptions"/> (and disposes it).</summary>
    public static IteratorHandle Create(DbHandle db, ReadOptionsHandle readOptions)
    {
        var dbAdded = false;
        var optionsAdded = false;
        try
        {
            db.DangerousAddRef(ref dbAdded);
            readOptions.DangerousAddRef(ref optionsAdded);
            var iterator = new IteratorHandle(RocksNative.CreateIterator(db, readOptions), db, readOptions);
            readOptions.Dispose(); // our reference keeps it alive until the iterator is destroyed
            return iterator;
        }
        catch
        {
            if (optionsAdded)
            {
                readOptions.DangerousRelease();
            }

            if (dbAdded)
            {
                db.DangerousRelease();
            }

            throw;
        }
    }

    protected override bool ReleaseHandle()
    {
        RocksNative.IterDestroy(handle);
        _readOptions.DangerousRelease();
        _db.DangerousRelease();
        return true;
    }
}
