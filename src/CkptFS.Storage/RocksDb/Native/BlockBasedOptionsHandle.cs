namespace CkptFS.Storage.RocksDb.Native;

/// <summary>Block-based table options; the table factory copies them, so they live only as long as Open.</summary>
internal sealed class BlockBasedOptionsHandle : RocksHandle
{
    public BlockBasedOptionsHandle(nint pointer)
        : base(pointer)
    {
    }

    protected override bool ReleaseHandle()
    {
        RocksNative.BlockBasedOptionsDestroy(handle);
        return true;
    }
}
