using System.Reflection;
using System.Runtime.InteropServices;
using CkptFS.Common;

namespace CkptFS.Storage.RocksDb.Native;

/// <summary>
/// Finds Debian's <c>librocksdb7.8</c>. The C API is only stable within a release line, so the exact
/// soname comes first; the unversioned name is the fallback for a development install. The resolver
/// maps <see cref="RocksNative.Library"/> for this assembly; other names (libc) take the default path.
/// </summary>
internal static class RocksLibrary
{
    /// <summary>Candidate file names, best first.</summary>
    public static readonly IReadOnlyList<string> FileNames = ["librocksdb.so.7.8", "librocksdb.so"];

    private static readonly Lock _gate = new();
    private static nint _handle;
    private static bool _resolverSet;

    /// <summary>Loads the library once; throws a <see cref="CkptFsException"/> that says how to install it.</summary>
    public static void EnsureLoaded()
    {
        lock (_gate)
        {
            if (_handle == 0)
            {
                _handle = Load(FileNames);
            }

            if (!_resolverSet)
            {
                NativeLibrary.SetDllImportResolver(typeof(RocksLibrary).Assembly, Resolve);
                _resolverSet = true;
            }
        }
    }

    /// <summary>Loads the first of <paramref name="fileNames"/> that the dynamic loader finds.</summary>
    public static nint Load(IReadOnlyList<string> fileNames)
    {
        foreach (var fileName in fileNames)
        {
            if (NativeLibrary.TryLoad(fileName, out var handle))
            {
                return handle;
            }
        }

        throw new CkptFsException(
            ErrorCode.StorageFailure,
            $"The RocksDB native library was not found (tried {string.Join(", ", fileNames)}). "
            + "Run the project's setup script, scripts/setup.sh, which installs Debian's librocksdb7.8.");
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        return libraryName == RocksNative.Library ? _handle : 0;
    }
}
