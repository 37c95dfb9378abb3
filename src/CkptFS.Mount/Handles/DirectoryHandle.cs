using CkptFS.Client;
using CkptFS.Protocol.V1;

namespace CkptFS.Mount.Handles;

/// <summary>
/// An open directory, listed page by page as the kernel asks (the SDK fetches one NameNode page at a
/// time), so a directory of a million entries is never held whole. Cookies are entry positions:
/// 1 and 2 are "." and "..", entry i of the listing is i + 3. The kernel reads on from the last
/// cookie it got; a read from an earlier cookie (rewinddir) starts the listing again.
/// </summary>
internal sealed class DirectoryHandle(string path, string remotePath, CkptFsClient client) : IFileHandle
{
    private readonly Lock _lock = new();
    private IAsyncEnumerator<FileStatus>? _listing;
    private long _position;            // cookie of the next entry the enumerator gives
    private FileStatus? _carried;      // fetched, but the kernel's buffer was full

    public string Path { get; } = path;

    public string RemotePath { get; } = remotePath;

    /// <summary>The listing so far held a .pending folder or a step: this is a checkpoint job's directory.</summary>
    public bool SawCheckpoints { get; set; }

    /// <summary>Entries from <paramref name="cookie"/> on; <paramref name="add"/> returns false when the kernel's buffer is full.</summary>
    public void Read(long cookie, Func<FileStatus, long, bool> add)
    {
        lock (_lock)
        {
            if (_listing is null || cookie != _position)
            {
                Restart();
                while (_position < cookie && Next() is not null)
                {
                }
            }
            while (Next() is { } entry)
            {
                if (!add(entry, _position))
                {
                    _carried = entry;
                    _position--;
                    return;
                }
            }
        }
    }

    public void Release()
    {
        lock (_lock)
        {
            DisposeListing();
        }
    }

    private FileStatus? Next()
    {
        if (_carried is { } carried)
        {
            _carried = null;
            _position++;
            return carried;
        }
        if (!_listing!.MoveNextAsync().AsTask().GetAwaiter().GetResult())
        {
            return null;
        }
        _position++;
        return _listing.Current;
    }

    private void Restart()
    {
        DisposeListing();
        _listing = client.ListAsync(RemotePath).GetAsyncEnumerator();
        _position = FirstEntryCookie - 1;
        _carried = null;
    }

    private void DisposeListing()
    {
        _listing?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _listing = null;
    }

    /// <summary>The cookie of the first listed entry ("." and ".." take 1 and 2).</summary>
    public const long FirstEntryCookie = 3;
}
