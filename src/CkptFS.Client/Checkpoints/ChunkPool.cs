using System.Collections.Concurrent;

namespace CkptFS.Client.Checkpoints;

/// <summary>
/// The copy buffers of <see cref="AsyncCheckpointSaver"/>, kept by exact size between saves: a
/// training job saves the same shapes every time, so from the second save on every chunk comes
/// back from here instead of from fresh pages (which the kernel must fault in and zero first).
/// </summary>
internal sealed class ChunkPool
{
    private readonly ConcurrentDictionary<int, ConcurrentBag<byte[]>> _free = new();

    public byte[] Take(int length) =>
        _free.TryGetValue(length, out var bag) && bag.TryTake(out var chunk) ? chunk : GC.AllocateUninitializedArray<byte>(length);

    public void Return(IEnumerable<byte[]> chunks)
    {
        foreach (var chunk in chunks)
        {
            _free.GetOrAdd(chunk.Length, _ => []).Add(chunk);
        }
    }
}
