namespace CkptFS.Storage.RocksDb.Native;

/// <summary>
/// An open database (<c>rocksdb_t</c>). <c>rocksdb_close</c> runs when the last reference goes: after
/// Dispose, after every call in flight and after every iterator made from it (an iterator must be
/// destroyed before its database, so <see cref="IteratorHandle"/> holds a reference).
/// </summary>
internal sealed class DbHandle : RocksHandle
{
    public DbHandle(nint pointer)
        : base(pointer)
    {
    }

    protected override bool ReleaseHandle()
    {
        RocksNative.Close(handle);
        return true;
    }
}
