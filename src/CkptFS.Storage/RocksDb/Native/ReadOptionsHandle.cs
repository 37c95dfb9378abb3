using System.Runtime.InteropServices;

namespace CkptFS.Storage.RocksDb.Native;

/// <summary>
/// Read options (<c>rocksdb_readoptions_t</c>), optionally bounded to one key prefix. RocksDB stores
/// the bound as a pointer to our memory, not a copy, so the bounds live in a native block owned by
/// this handle and freed only after the options are destroyed; iterators hold a reference to it.
/// </summary>
internal sealed unsafe class ReadOptionsHandle : RocksHandle
{
    private byte* _bounds;

    private ReadOptionsHandle(nint pointer)
        : base(pointer)
    {
    }

    public static ReadOptionsHandle Create() => new(RocksNative.ReadOptionsCreate());

    /// <summary>Options whose iterators see exactly the keys that start with <paramref name="prefix"/>.</summary>
    public static ReadOptionsHandle CreateForPrefix(ReadOnlySpan<byte> prefix)
    {
        var options = Create();
        if (prefix.IsEmpty)
        {
            return options;
        }

        var upperLength = KeyPrefix.SuccessorLength(prefix);
        var bounds = (byte*)NativeMemory.Alloc((nuint)(prefix.Length + upperLength));
        options._bounds = bounds;
        prefix.CopyTo(new Span<byte>(bounds, prefix.Length));
        RocksNative.ReadOptionsSetIterateLowerBound(options, bounds, (nuint)prefix.Length);
        if (upperLength > 0)
        {
            var upper = new Span<byte>(bounds + prefix.Length, upperLength);
            KeyPrefix.WriteSuccessor(prefix, upper);
            RocksNative.ReadOptionsSetIterateUpperBound(options, bounds + prefix.Length, (nuint)upperLength);
        }

        return options;
    }

    protected override bool ReleaseHandle()
    {
        RocksNative.ReadOptionsDestroy(handle);
        NativeMemory.Free(_bounds);
        _bounds = null;
        return true;
    }
}
