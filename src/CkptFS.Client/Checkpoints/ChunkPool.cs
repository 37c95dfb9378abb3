using System.Collections.Concurrent;

namespace CkptFS.Client.Checkpoints;

/// <summary>
/// The copy buffers of <see cref="AsyncCheckpointSaver"/>, kept by exact size between saves: a
/// training job saves the same shapes every time, so from the second save on every chunk comes
/// back from here instead of from fresh pages (which the kernel must fault in and zero first).
/// <see cref="Reserve"/> does that first allocation ahead of time, so that the first save is no slower.
/// </summary>
internal sealed class ChunkPool
{
    private readonly ConcurrentDictionary<int, ConcurrentBag<byte[]>> _free = new();
    private long _allocated;

    /// <summary>Chunks allocated because none of that size was free: after a reservation, a save of those shapes allocates none.</summary>
    public long Allocated => Interlocked.Read(ref _allocated);

    /// <summary>Bytes held free for the next save.</summary>
    public long FreeBytes => _free.Sum(pair => (long)pair.Key * pair.Value.Count);

    public byte[] Take(int length)
    {
        if (_free.TryGetValue(length, out var bag) && bag.TryTake(out var chunk))
        {
            return chunk;
        }
        Interlocked.Increment(ref _allocated);
        return GC.AllocateUninitializedArray<byte>(length);
    }

    public void Return(IEnumerable<byte[]> chunks)
    {
        foreach (var chunk in chunks)
        {
            _free.GetOrAdd(chunk.Length, _ => []).Add(chunk);
        }
    }

    /// <summary>
    /// Allocates a free chunk of <paramref name="length"/> bytes and writes one byte of each of its
    /// pages, so that the kernel faults them in (and reclaims page cache for them) now, not during a copy.
    /// </summary>
    public void Reserve(int length)
    {
        var chunk = GC.AllocateUninitializedArray<byte>(length);
        var page = Environment.SystemPageSize;
        for (var offset = 0; offset < length; offset += page)
        {
            chunk[offset] = 0;
        }
        Return([chunk]);
    }
}
