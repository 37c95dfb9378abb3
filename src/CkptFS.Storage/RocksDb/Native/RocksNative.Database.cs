using System.Runtime.InteropServices;

namespace CkptFS.Storage.RocksDb.Native;

/// <summary>
/// The RocksDB C API (<c>rocksdb/c.h</c> of 7.8), the calls on an open database. Functions that can
/// fail take a <c>char** errptr</c>: RocksDB sets it to a malloc'ed message that the caller frees with
/// <c>rocksdb_free</c> (see <see cref="RocksError"/>). Handles are passed as SafeHandles so that the
/// marshaller holds a reference for the duration of the call: a concurrent Dispose cannot free them
/// under a running call.
/// </summary>
internal static unsafe partial class RocksNative
{
    /// <summary>The logical library name; <see cref="RocksLibrary"/> resolves it to the real file.</summary>
    public const string Library = "rocksdb";

    [LibraryImport(Library, EntryPoint = "rocksdb_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Open(OptionsHandle options, string name, out nint errptr);

    [LibraryImport(Library, EntryPoint = "rocksdb_close")]
    public static partial void Close(nint db);

    [LibraryImport(Library, EntryPoint = "rocksdb_put")]
    public static partial void Put(
        DbHandle db, WriteOptionsHandle options, byte* key, nuint keyLength, byte* value, nuint valueLength, out nint errptr);

    [LibraryImport(Library, EntryPoint = "rocksdb_delete")]
    public static partial void Delete(DbHandle db, WriteOptionsHandle options, byte* key, nuint keyLength, out nint errptr);

    [LibraryImport(Library, EntryPoint = "rocksdb_write")]
    public static partial void Write(DbHandle db, WriteOptionsHandle options, WriteBatchHandle batch, out nint errptr);

    /// <summary>Returns null when the key is absent, else a malloc'ed copy of the value to free with <see cref="Free"/>.</summary>
    [LibraryImport(Library, EntryPoint = "rocksdb_get")]
    public static partial nint Get(
        DbHandle db, ReadOptionsHandle options, byte* key, nuint keyLength, out nuint valueLength, out nint errptr);

    [LibraryImport(Library, EntryPoint = "rocksdb_create_iterator")]
    public static partial nint CreateIterator(DbHandle db, ReadOptionsHandle options);

    /// <summary>Returns null for an unknown property, else a malloc'ed NUL-terminated string.</summary>
    [LibraryImport(Library, EntryPoint = "rocksdb_property_value", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint PropertyValue(DbHandle db, string name);

    [LibraryImport(Library, EntryPoint = "rocksdb_compact_range")]
    public static partial void CompactRange(DbHandle db, byte* startKey, nuint startKeyLength, byte* limitKey, nuint limitKeyLength);

    [LibraryImport(Library, EntryPoint = "rocksdb_flush")]
    public static partial void Flush(DbHandle db, FlushOptionsHandle options, out nint errptr);

    [LibraryImport(Library, EntryPoint = "rocksdb_free")]
    public static partial void Free(nint pointer);
}
