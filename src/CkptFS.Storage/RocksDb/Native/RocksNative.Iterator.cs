using System.Runtime.InteropServices;

namespace CkptFS.Storage.RocksDb.Native;

/// <summary>The iterator calls of the C API. Key and value pointers stay valid until the iterator moves.</summary>
internal static unsafe partial class RocksNative
{
    [LibraryImport(Library, EntryPoint = "rocksdb_iter_destroy")]
    public static partial void IterDestroy(nint iterator);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_valid")]
    public static partial byte IterValid(IteratorHandle iterator);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_seek_to_first")]
    public static partial void IterSeekToFirst(IteratorHandle iterator);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_seek_to_last")]
    public static partial void IterSeekToLast(IteratorHandle iterator);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_seek")]
    public static partial void IterSeek(IteratorHandle iterator, byte* key, nuint keyLength);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_next")]
    public static partial void IterNext(IteratorHandle iterator);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_prev")]
    public static partial void IterPrev(IteratorHandle iterator);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_key")]
    public static partial byte* IterKey(IteratorHandle iterator, out nuint keyLength);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_value")]
    public static partial byte* IterValue(IteratorHandle iterator, out nuint valueLength);

    [LibraryImport(Library, EntryPoint = "rocksdb_iter_get_error")]
    public static partial void IterGetError(IteratorHandle iterator, out nint errptr);
}
