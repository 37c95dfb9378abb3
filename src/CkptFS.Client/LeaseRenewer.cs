using CkptFS.Common;

namespace CkptFS.Client;

/// <summary>
/// Keeps this client's leases alive: while it has files open for write, one RenewLease call (covering
/// all of them) every <see cref="CkptFsClientOptions.LeaseRenewInterval"/>, or every half of the
/// NameNode's soft limit when that is shorter (Create and RenewLease answers carry it), as HDFS's LeaseRenewer. A failed renewal is retried on the next tick; the NameNode only reclaims a file after
/// the soft limit has passed without any renewal.
/// </summary>
internal sealed class LeaseRenewer : IDisposable
{
    private readonly CkptFsClient _client;
    private readonly HashSet<string> _openFiles = [];
    private readonly object _lock = new();
    private ITimer? _timer;
    private TimeSpan _interval;
    private int _renewing;

    public LeaseRenewer(CkptFsClient client)
    {
        _client = client;
        _interval = client.Options.LeaseRenewInterval;
    }

    /// <summary>Renews at least every half of <paramref name="softLimit"/>, the NameNode's (ignored when it did not say).</summary>
    public void UseSoftLimit(TimeSpan softLimit)
    {
        if (softLimit <= TimeSpan.Zero)
        {
            return;
        }
        lock (_lock)
        {
            var interval = softLimit / 2 < _client.Options.LeaseRenewInterval ? softLimit / 2 : _client.Options.LeaseRenewInterval;
            if (interval != _interval)
            {
                _interval = interval;
                _timer?.Change(interval, interval);
            }
        }
    }

    public void Hold(string path)
    {
        lock (_lock)
        {
            _openFiles.Add(path);
            _timer ??= TimeProvider.System.CreateTimer(_ => Renew(), null, _interval, _interval);
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
            var answer = await _client.RenewLeaseAsync(CancellationToken.None);
            UseSoftLimit(TimeSpan.FromMilliseconds(answer.SoftLimitMs));
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
