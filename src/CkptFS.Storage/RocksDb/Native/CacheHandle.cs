namespace CkptFS.Storage.RocksDb.Native;

/// <summary>An LRU block cache. The options hold their own shared reference, so destroying this wrapper after Open does not free the cache the database uses.</summary>
internal sealed class CacheHandle : RocksHandle
{
    public CacheHandle(nint pointer)
        : base(pointer)
    {
    }

    protected override bool ReleaseHandle()
    {
        RocksNative.CacheDestroy(handle);
        return true;
    }
}
