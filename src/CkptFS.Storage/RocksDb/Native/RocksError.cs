using System.Runtime.InteropServices;

namespace CkptFS.Storage.RocksDb.Native;

/// <summary>
/// The <c>char** errptr</c> convention of the C API: null on success, else a malloc'ed message that
/// the caller owns. We copy it, free it with <c>rocksdb_free</c> and throw it as a <see cref="RocksDbException"/>.
/// </summary>
internal static class RocksError
{
    public static void ThrowIfSet(nint errptr, string operation, string databasePath)
    {
        if (errptr != 0)
        {
            throw new RocksDbException(TakeString(errptr) ?? "(no message)", operation, databasePath);
        }
    }

    /// <summary>Copies a malloc'ed NUL-terminated string from RocksDB and frees it; null stays null.</summary>
    public static string? TakeString(nint pointer)
    {
        if (pointer == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(pointer);
        }
        finally
        {
            RocksNative.Free(pointer);
        }
    }
}
