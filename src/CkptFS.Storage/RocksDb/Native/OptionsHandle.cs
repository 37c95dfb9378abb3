namespace CkptFS.Storage.RocksDb.Native;

/// <summary>Database options (<c>rocksdb_options_t</c>); RocksDB copies them at open, so they live only as long as Open.</summary>
internal sealed class OptionsHandle : RocksHandle
{
    public OptionsHandle(nint pointer)
        : base(pointer)
    {
    }

    protected override bool ReleaseHandle()
    {
        RocksNative.OptionsDestroy(handle);
        return true;
    }
}
