using System.Collections.Concurrent;
using CkptFS.Protocol.V1;

namespace CkptFS.Mount.FileSystem;

/// <summary>
/// Statuses the mount learned recently, by CkptFS path, kept for the attribute timeout: a listing
/// fills it, so `ls -l` of a directory of 10,000 files costs its listing pages, not 10,000 lookups.
/// Every change the mount makes forgets the paths it touched; changes by other clients show within
/// the timeout, as the kernel's own attribute cache does.
/// </summary>
internal sealed class AttributeCache(TimeSpan timeout)
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, (FileStatus Status, long Expires)> _entries = new(StringComparer.Ordinal);

    public FileStatus? Get(string path)
    {
        if (_entries.TryGetValue(path, out var entry))
        {
            if (Environment.TickCount64 < entry.Expires)
            {
                return entry.Status;
            }
            _entries.TryRemove(path, out _);
        }
        return null;
    }

    public void Put(string path, FileStatus status)
    {
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }
        _entries[path] = (status, Environment.TickCount64 + (long)timeout.TotalMilliseconds);
    }

    public void Forget(string path) => _entries.TryRemove(path, out _);

    /// <summary>Forgets a path and everything below it (a directory renamed or removed).</summary>
    public void ForgetTree(string path)
    {
        _entries.TryRemove(path, out _);
        var prefix = path.EndsWith('/') ? path : path + "/";
        foreach (var key in _entries.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                _entries.TryRemove(key, out _);
            }
        }
    }
}
