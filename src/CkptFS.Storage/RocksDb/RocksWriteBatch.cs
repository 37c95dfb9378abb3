using RocksDbSharp;

namespace CkptFS.Storage.RocksDb;

/// <summary>
/// Operations applied together by <see cref="RocksDatabase.Write"/>: atomically, in the order added.
/// The batch copies keys and values, so callers may reuse their buffers at once. One batch is used by
/// one thread at a time; it can be reused after <see cref="Clear"/>.
/// <para>
/// A thin layer over RocksDbSharp's <see cref="WriteBatch"/>: it keeps RocksDbSharp out of the
/// NameNode's code and turns a use after Dispose into <see cref="ObjectDisposedException"/> (RocksDbSharp
/// would hand RocksDB a null pointer).
/// </para>
/// </summary>
public sealed unsafe class RocksWriteBatch : IDisposable
{
    private readonly WriteBatch _batch = new();
    private bool _disposed;

    /// <summary>The number of operations added since creation or the last <see cref="Clear"/>.</summary>
    public int Count => Batch.Count();

    internal WriteBatch Batch
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _batch;
        }
    }

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => Batch.Put(key, value);

    public void Delete(ReadOnlySpan<byte> key) => Batch.Delete(key);

    /// <summary>Deletes every key in [<paramref name="begin"/>, <paramref name="end"/>): begin included, end excluded.</summary>
    public void DeleteRange(ReadOnlySpan<byte> begin, ReadOnlySpan<byte> end)
    {
        fixed (byte* beginPointer = begin)
        fixed (byte* endPointer = end)
        {
            Batch.DeleteRange(beginPointer, (ulong)begin.Length, endPointer, (ulong)end.Length);
        }
    }

    /// <summary>Removes every operation, keeping the buffer for reuse.</summary>
    public void Clear() => Batch.Clear();

    public void Dispose()
    {
        _disposed = true;
        _batch.Dispose();
    }
}
