using System.Collections.Concurrent;

namespace CkptFS.Mount.Handles;

/// <summary>The open handles by the fh number the kernel passes back (never 0: 0 means "no handle").</summary>
internal sealed class HandleTable
{
    private readonly ConcurrentDictionary<ulong, IFileHandle> _handles = new();
    private readonly ConcurrentDictionary<string, WriteHandle> _writers = new(StringComparer.Ordinal);
    private long _next;

    public ulong Add(IFileHandle handle)
    {
        var fh = (ulong)Interlocked.Increment(ref _next);
        _handles[fh] = handle;
        if (handle is WriteHandle writer)
        {
            _writers[writer.Path] = writer;
        }
        return fh;
    }

    public T? Get<T>(ulong fh) where T : class, IFileHandle =>
        fh != 0 && _handles.TryGetValue(fh, out var handle) ? handle as T : null;

    public IFileHandle? Remove(ulong fh)
    {
        if (!_handles.TryRemove(fh, out var handle))
        {
            return null;
        }
        if (handle is WriteHandle writer)
        {
            _writers.TryRemove(new KeyValuePair<string, WriteHandle>(writer.Path, writer));
        }
        return handle;
    }

    /// <summary>The open write handle of a mount path, if this mount is writing it.</summary>
    public WriteHandle? WriterOf(string path) =>
        _writers.TryGetValue(path, out var writer) && writer.IsOpen ? writer : null;

    /// <summary>A rename moved a file this mount is writing: its later lookups go by the new path.</summary>
    public void Moved(string from, string to)
    {
        if (_writers.TryRemove(from, out var writer))
        {
            _writers[to] = writer;
        }
    }

    public IReadOnlyList<IFileHandle> All => [.. _handles.Values];

    public int Count => _handles.Count;
}
