namespace CkptFS.Storage.RocksDb.Native;

/// <summary>Write options (<c>rocksdb_writeoptions_t</c>); the database keeps one synced and one unsynced instance.</summary>
internal sealed class WriteOptionsHandle : RocksHandle
{
    public WriteOptionsHandle(nint pointer)
        : base(pointer)
    {
    }

    protected override bool ReleaseHandle()
    {
        RocksNative.WriteOptionsDestroy(handle);
        return true;
    }
}
