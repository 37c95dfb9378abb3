using System.Runtime.InteropServices;

namespace CkptFS.Storage.RocksDb.Native;

/// <summary>The write batch calls of the C API. A batch copies keys and values into its own buffer.</summary>
internal static unsafe partial class RocksNative
{
    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_create")]
    public static partial nint WriteBatchCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_destroy")]
    public static partial void WriteBatchDestroy(nint batch);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_clear")]
    public static partial void WriteBatchClear(WriteBatchHandle batch);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_count")]
    public static partial int WriteBatchCount(WriteBatchHandle batch);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_put")]
    public static partial void WriteBatchPut(WriteBatchHandle batch, byte* key, nuint keyLength, byte* value, nuint valueLength);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_delete")]
    public static partial void WriteBatchDelete(WriteBatchHandle batch, byte* key, nuint keyLength);

    [LibraryImport(Library, EntryPoint = "rocksdb_writebatch_delete_range")]
    public static partial void WriteBatchDeleteRange(
        WriteBatchHandle batch, byte* startKey, nuint startKeyLength, byte* endKey, nuint endKeyLength);
}
