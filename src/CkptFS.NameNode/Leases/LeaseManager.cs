using CkptFS.Common;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Leases;

/// <summary>
/// Who is writing which file, and when each writer last renewed (HDFS LeaseManager). A lease is one
/// holder (a client instance) with every file it has open; one RenewLease call renews all of them.
/// Which file is open by whom is durable (<see cref="FileInode.LeaseHolder"/>); this table is the soft
/// index over it that the lease monitor walks: rebuilt from the namespace at start (every lease then
/// counts as renewed at start, so a NameNode restart never expires a live writer), and kept in step
/// by the namespace after each durable change (create, close, recovery, delete).
///
/// Files a lease recovery took from their writer belong to <see cref="RecoveryHolder"/> until the
/// recovery closes them; that lease never expires (the monitor retries stuck recoveries instead).
/// Thread-safe; no I/O; time from the injected clock.
/// </summary>
public sealed class LeaseManager
{
    /// <summary>The holder of files under lease recovery (HDFS's "HDFS_NameNode"): no client may use it.</summary>
    public const string RecoveryHolder = "ckptfs-namenode-lease-recovery";

    private readonly object _lock = new();
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<InodeId, OpenFile> _files = [];
    private readonly TimeProvider _time;

    public LeaseManager(TimeProvider time, LeaseOptions options)
    {
        options.Validate();
        _time = time;
        Options = options;
    }

    public LeaseOptions Options { get; }

    /// <summary>Holders with at least one open file.</summary>
    public int HolderCount
    {
        get
        {
            lock (_lock)
            {
                return _leases.Count;
            }
        }
    }

    /// <summary>Files open for write (the recovery holder's included).</summary>
    public int OpenFileCount
    {
        get
        {
            lock (_lock)
            {
                return _files.Count;
            }
        }
    }

    /// <summary>At start: a lease for every file under construction (<see cref="Persistence.LoadedFiles.UnderConstruction"/>), renewed now.</summary>
    public void Load(IEnumerable<(FsPath Path, FileInode File)> filesUnderConstruction)
    {
        lock (_lock)
        {
            _leases.Clear();
            _files.Clear();
            foreach (var (path, file) in filesUnderConstruction)
            {
                AddLocked(file.LeaseHolder, file.Id, path);
            }
        }
    }

    /// <summary>
    /// <paramref name="file"/> is now open by <paramref name="holder"/> (created, or taken by a
    /// recovery); it leaves any other holder's lease. Adding renews the holder, as in HDFS.
    /// </summary>
    public void Add(string holder, InodeId file, FsPath path)
    {
        lock (_lock)
        {
            RemoveLocked(file);
            AddLocked(holder, file, path);
        }
    }

    /// <summary><paramref name="file"/> was closed or deleted.</summary>
    public void Remove(InodeId file)
    {
        lock (_lock)
        {
            RemoveLocked(file);
        }
    }

    /// <summary>Renews every lease of <paramref name="holder"/>; false when it holds none (nothing to renew).</summary>
    public bool Renew(string holder)
    {
        lock (_lock)
        {
            if (!_leases.TryGetValue(holder, out var lease))
            {
                return false;
            }
            lease.LastRenewed = _time.GetUtcNow();
            return true;
        }
    }

    /// <summary>When <paramref name="holder"/> last renewed; null when it holds no lease.</summary>
    public DateTimeOffset? LastRenewed(string holder)
    {
        lock (_lock)
        {
            return _leases.TryGetValue(holder, out var lease) ? lease.LastRenewed : null;
        }
    }

    /// <summary>
    /// Whether another client may take <paramref name="holder"/>'s files over: its soft limit passed
    /// (or it holds no lease at all, e.g. its files were recovered and it never wrote again).
    /// </summary>
    public bool IsSoftLimitExpired(string holder) =>
        !string.Equals(holder, RecoveryHolder, StringComparison.Ordinal)
        && (LastRenewed(holder) is not { } renewed || _time.GetUtcNow() - renewed > Options.SoftLimit);

    /// <summary>The open files of every client holder whose hard limit passed: the NameNode recovers them by itself.</summary>
    public IReadOnlyList<OpenFile> ListHardLimitExpired()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return _leases.Values
                .Where(l => !l.IsRecovery && now - l.LastRenewed > Options.HardLimit)
                .SelectMany(l => l.Files.Select(f => _files[f]))
                .ToList();
        }
    }

    /// <summary>Files under lease recovery (held by <see cref="RecoveryHolder"/>).</summary>
    public IReadOnlyList<OpenFile> ListUnderRecovery()
    {
        lock (_lock)
        {
            return _leases.TryGetValue(RecoveryHolder, out var lease) ? lease.Files.Select(f => _files[f]).ToList() : [];
        }
    }

    /// <summary>For errors ("it is being written by H, which ..."): who holds the file, when it renewed, when it can be taken over.</summary>
    public string Describe(string holder)
    {
        if (string.Equals(holder, RecoveryHolder, StringComparison.Ordinal))
        {
            return "it is under lease recovery by the NameNode; try again in a few seconds";
        }
        if (LastRenewed(holder) is not { } renewed)
        {
            return $"it is being written by {holder}, which holds no live lease";
        }
        var now = _time.GetUtcNow();
        var takeover = renewed + Options.SoftLimit;
        var wait = takeover - now;
        return wait > TimeSpan.Zero
            ? $"it is being written by {holder}, which renewed its lease {Seconds(now - renewed)} ago; it can be taken over after the soft limit ({Seconds(Options.SoftLimit)}), at {takeover.UtcDateTime:HH:mm:ss} UTC (in {Seconds(wait)})"
            : $"it is being written by {holder}, which has not renewed its lease for {Seconds(now - renewed)} (soft limit {Seconds(Options.SoftLimit)}): it can be taken over now";
    }

    private static string Seconds(TimeSpan span) => $"{Math.Max(0, span.TotalSeconds):0.#} s";

    private void AddLocked(string holder, InodeId file, FsPath path)
    {
        if (!_leases.TryGetValue(holder, out var lease))
        {
            _leases[holder] = lease = new Lease(string.Equals(holder, RecoveryHolder, StringComparison.Ordinal));
        }
        lease.Files.Add(file);
        lease.LastRenewed = _time.GetUtcNow();
        _files[file] = new OpenFile(file, path, holder);
    }

    private void RemoveLocked(InodeId file)
    {
        if (!_files.Remove(file, out var open))
        {
            return;
        }
        var lease = _leases[open.Holder];
        lease.Files.Remove(file);
        if (lease.Files.Count == 0)
        {
            _leases.Remove(open.Holder);
        }
    }

    private sealed class Lease(bool isRecovery)
    {
        public bool IsRecovery { get; } = isRecovery;

        public DateTimeOffset LastRenewed { get; set; }

        public HashSet<InodeId> Files { get; } = [];
    }
}

/// <summary>A file open for write: its inode, the path it was opened at (a hint: it may have been renamed since), its holder.</summary>
public readonly record struct OpenFile(InodeId File, FsPath Path, string Holder);
