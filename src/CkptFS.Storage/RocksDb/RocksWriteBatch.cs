using CkptFS.Storage.RocksDb.Native;

namespace CkptFS.Storage.RocksDb;

/// <summary>
/// Operations applied together by <see cref="RocksDatabase.Write"/>: atomically, in the order added.
/// The batch copies keys and values, so callers may reuse their buffers at once. One batch is used by
/// one thread at a time; it can be reused after <see cref="Clear"/>.
/// </summary>
public sealed unsafe class RocksWriteBatch : IDisposable
{
    public RocksWriteBatch()
    {
        RocksLibrary.EnsureLoaded();
        Handle = new WriteBatchHandle(RocksNative.WriteBatchCreate());
    }

    /// <summary>The number of operations added since creation or the last <see cref="Clear"/>.</summary>
    public int Count => RocksNative.WriteBatchCount(Handle);

    internal WriteBatchHandle Handle { get; }

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        fixed (byte* keyPointer = key)
        fixed (byte* valuePointer = value)
        {
            RocksNative.WriteBatchPut(Handle, keyPointer, (nuint)key.Length, valuePointer, (nuint)value.Length);
        }
    }

    public void Delete(ReadOnlySpan<byte> key)
    {
        fixed (byte* keyPointer = key)
        {
            RocksNative.WriteBatchDelete(Handle, keyPointer, (nuint)key.Length);
        }
    }

    /// <summary>Deletes every key in [<paramref name="begin"/>, <paramref name="end"/>): begin included, end excluded.</summary>
    public void DeleteRange(ReadOnlySpan<byte> begin, ReadOnlySpan<byte> end)
    {
        fixed (byte* beginPointer = begin)
        fixed (byte* endPointer = end)
        {
            RocksNative.WriteBatchDeleteRange(Handle, beginPointer, (nuint)begin.Length, endPointer, (nuint)end.Length);
        }
    }

    /// <summary>Removes every operation, keeping the buffer for reuse.</summary>
    public void Clear() => RocksNative.WriteBatchClear(Handle);

    public void Dispose() => Handle.Dispose();
}
