using System.Runtime.InteropServices;

namespace CkptFS.Storage.RocksDb.Native;

/// <summary>
/// Base of every RocksDB object we own. A SafeHandle counts the native calls in flight, so Dispose
/// from one thread while another thread is inside RocksDB defers the destroy until that call returns,
/// and a call after Dispose throws <see cref="ObjectDisposedException"/> instead of touching freed memory.
/// </summary>
internal abstract class RocksHandle : SafeHandle
{
    protected RocksHandle(nint pointer)
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
        // The create calls only return null when malloc fails; failing here keeps a null out of RocksDB.
        if (pointer == 0)
        {
            throw new OutOfMemoryException($"RocksDB could not allocate a {GetType().Name}.");
        }

        SetHandle(pointer);
    }

    public override bool IsInvalid => handle == 0;
}
