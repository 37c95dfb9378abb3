using SharpDb = RocksDbSharp.RocksDb;

namespace CkptFS.Storage.RocksDb;

/// <summary>
/// The open RocksDbSharp database and a count of its users: every call in flight and every live
/// iterator, plus a flag for the owner's (<see cref="RocksDatabase"/>'s) Dispose. RocksDbSharp's
/// <c>RocksDb</c> does not guard its handle: a call after its Dispose hands RocksDB a null pointer,
/// and <c>rocksdb_close</c> under a running call or a live iterator frees memory still in use. So
/// every use takes a reference first, and the database closes when the last reference goes, after
/// the owner's Dispose. A database never disposed stays open until the process ends.
/// <para>
/// One int holds the state: bit 0 is "disposed", the rest counts references (2 per reference).
/// <see cref="Acquire"/> fails once bit 0 is set, so a call that starts after Dispose throws
/// <see cref="ObjectDisposedException"/> and never sees a closed database; exactly one thread sees
/// the state reach 1 (disposed, no references) and closes it.
/// </para>
/// </summary>
internal sealed class RocksDbReferences
{
    private const int Disposed = 1;
    private const int OneReference = 2;

    private readonly SharpDb _db;
    private int _state;

    public RocksDbReferences(SharpDb db)
    {
        _db = db;

        // Only our count closes the database. RocksDbSharp's finalizer would close it as soon as it
        // and a forgotten iterator became unreachable together, with the native iterator still open.
        GC.SuppressFinalize(db);
    }

    /// <summary>Takes a reference: the database stays open until the matching <see cref="Release"/>.</summary>
    /// <exception cref="ObjectDisposedException">Dispose was called.</exception>
    public SharpDb Acquire()
    {
        var state = Volatile.Read(ref _state);
        while (true)
        {
            if ((state & Disposed) != 0)
            {
                throw new ObjectDisposedException(nameof(RocksDatabase));
            }

            var seen = Interlocked.CompareExchange(ref _state, state + OneReference, state);
            if (seen == state)
            {
                return _db;
            }

            state = seen;
        }
    }

    public void Release()
    {
        if (Interlocked.Add(ref _state, -OneReference) == Disposed)
        {
            _db.Dispose();
        }
    }

    /// <summary>Refuses new references; closes the database now, or when the last reference is released. Idempotent.</summary>
    public void Dispose()
    {
        // The value before the Or says it all: 0 means nobody held a reference, so no Release will
        // ever see "disposed, none left"; anything else means Dispose ran before, or a holder will.
        if (Interlocked.Or(ref _state, Disposed) == 0)
        {
            _db.Dispose();
        }
    }
}
