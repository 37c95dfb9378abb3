namespace CkptFS.Storage.RocksDb.Native;

/// <summary>A write batch (<c>rocksdb_writebatch_t</c>).</summary>
internal sealed class WriteBatchHandle : RocksHandle
{
    public WriteBatchHandle(nint pointer)
        : base(pointer)
    {
    }

    protected override bool ReleaseHandle()
    {
        RocksNative.WriteBatchDestroy(handle);
        return true;
    }
}
