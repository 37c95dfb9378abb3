namespace CkptFS.Storage.RocksDb.Native;

/// <summary>Flush options (<c>rocksdb_flushoptions_t</c>).</summary>
internal sealed class FlushOptionsHandle : RocksHandle
{
    public FlushOptionsHandle(nint pointer)
        : base(pointer)
    {
    }

    protected override bool ReleaseHandle()
    {
        RocksNative.FlushOptionsDestroy(handle);
        return true;
    }
}
