using CkptFS.Common;

namespace CkptFS.Client;

/// <summary>
/// Keeps this client's leases alive: while it has files open for write, one RenewLease call (covering
/// all of them) every <see cref="CkptFsClientOptions.LeaseRenewInterval"/> (soft limit / 2, as HDFS's
/// LeaseRenewer). A failed renewal is retried on the next tick; the NameNode only reclaims a file after
/// the soft limit has passed without any renewal.
/// </summary>
internal sealed class LeaseRenewer : IDisposable
{
    private readonly CkptFsClient _client;
    private readonly HashSet<string> _openFiles = [];
    private readonly object _lock = new();
    private ITimer? _timer;
    private int _renewing;

    public LeaseRenewer(CkptFsClient client)
    {
        _client = client;
    }

    public void Hold(string path)
    {
        lock (_lock)
        {
            _openFiles.Add(path);
            var interval = _client.Options.LeaseRenewInterval;
            _timer ??= TimeProvider.System.CreateTimer(_ => Renew(), null, interval, interval);
        }
    }

    public void Release(string path)
    {
        lock (_lock)
        {
            _openFiles.Remove(path);
            if (_openFiles.Count == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Renew()
    {
        if (Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return; // the previous renewal is still running
        }
        _ = RenewAsync();
    }

    private async Task RenewAsync()
    {
        try
        {
            await _client.RenewLeaseAsync(CancellationToken.None);
        }
        catch (CkptFsException)
        {
            // Transient (NameNode restarting, network): the next tick tries again, well before the soft limit.
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }
}
