using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.Events;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.DataNodes;

/// <summary>
/// The DataNode registry (HDFS DatanodeManager + HeartbeatManager): registrations by stable uuid,
/// heartbeats with storage and load, and liveness by the injected clock: live, stale after
/// <see cref="DatanodeManagerOptions.StaleInterval"/> without a heartbeat, dead after
/// <see cref="DatanodeManagerOptions.DeadInterval"/>; or, sooner, dead once its Connect stream broke
/// and it stayed away for <see cref="DatanodeManagerOptions.DisconnectGrace"/> (see
/// DatanodeManager.Connections.cs). States are computed from the last heartbeat on
/// every query; <see cref="CheckLiveness"/> (run by a timer on the same clock every heartbeat
/// interval) acts on deaths: the dead node's replicas leave the block map. A dead node that comes
/// back is told to register again, so that its full report rebuilds its replicas.
/// </summary>
public sealed partial class DatanodeManager : IDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<string, DatanodeDescriptor> _nodes = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly DatanodeManagerOptions _options;
    private readonly BlockManager _blocks;
    private readonly BlockPlacementPolicy _placement;
    private readonly ILogger _logger;
    private readonly ITimer _monitor;

    public DatanodeManager(TimeProvider time, DatanodeManagerOptions options, BlockManager blocks, Random random, ILogger<DatanodeManager> logger)
    {
        options.Validate();
        _time = time;
        _options = options;
        _blocks = blocks;
        _placement = new BlockPlacementPolicy(random);
        _logger = logger;
        _monitor = time.CreateTimer(_ => RunMonitor(), null, options.HeartbeatInterval, options.HeartbeatInterval);
    }

    public DatanodeManagerOptions Options => _options;

    /// <summary>Where a DataNode declared dead is recorded for operators (the web UI); none in unit tests that do not look.</summary>
    public NameNodeEventLog? Events { get; init; }

    /// <summary>
    /// Registers a DataNode, or re-registers a known uuid (a restart, or a new address: the address
    /// is updated). The caller sends the node's keys; the node then sends a full block report.
    /// </summary>
    public DatanodeSnapshot Register(DatanodeAddress address)
    {
        var now = _time.GetUtcNow();
        DatanodeSnapshot snapshot;
        int registered;
        lock (_lock)
        {
            if (_nodes.TryGetValue(address.Uuid, out var node))
            {
                if (node.Address != address)
                {
                    LogAddressChanged(address.Uuid, node.Address, address);
                }
                node.Address = address;
                node.Registered = now;
                node.LastHeartbeat = now;
                node.DisconnectedAt = null;
                node.DeclaredDead = false;
                EndMaintenance(node, now);
            }
            else
            {
                _nodes[address.Uuid] = node = new DatanodeDescriptor(address, now);
            }
            snapshot = Snapshot(node, now);
            registered = CountRegistered(now);
        }
        LogRegistered(address);
        _blocks.SetRegisteredDatanodes(registered);
        return snapshot;
    }

    /// <summary>Records a heartbeat; false when the node is unknown or was declared dead (reply: register again).</summary>
    public bool Heartbeat(string uuid, DatanodeLoad load)
    {
        lock (_lock)
        {
            if (!_nodes.TryGetValue(uuid, out var node) || node.DeclaredDead)
            {
                return false;
            }
            node.LastHeartbeat = _time.GetUtcNow();
            node.DisconnectedAt = null;
            node.Load = load;
            node.RollBlocksScheduled(node.LastHeartbeat);
            return true;
        }
    }

    /// <summary>True when <paramref name="uuid"/> is registered and not declared dead (reports from others are refused).</summary>
    public bool IsRegistered(string uuid)
    {
        lock (_lock)
        {
            return _nodes.TryGetValue(uuid, out var node) && !node.DeclaredDead;
        }
    }

    /// <summary>
    /// Declares dead every node whose last heartbeat is older than the dead interval, or that has
    /// been disconnected for the disconnect grace; returns how many.
    /// </summary>
    public int CheckLiveness()
    {
        var now = _time.GetUtcNow();
        List<DatanodeDescriptor> died;
        int registered;
        lock (_lock)
        {
            ExpireMaintenance(now);
            died = [.. _nodes.Values.Where(n => !n.DeclaredDead && IsDead(n, now))];
            foreach (var node in died)
            {
                node.DeclaredDead = true;
            }
            registered = CountRegistered(now);
        }
        foreach (var node in died)
        {
            if (node.DisconnectedAt is { } disconnectedAt && now - disconnectedAt >= _options.DisconnectGrace)
            {
                LogDeadDisconnected(node.Address, now - disconnectedAt);
            }
            else
            {
                LogDead(node.Address, now - node.LastHeartbeat);
            }
            Events?.Add(NameNodeEventKind.DataNodeLost, node.Address.Uuid,
                $"DataNode {node.Address.Uuid} ({node.Address.Host}:{node.Address.TransferPort}) declared dead, last heartbeat {(now - node.LastHeartbeat).TotalSeconds:0} s ago: its replicas are re-replicated");
            _blocks.RemoveDatanode(node.Address.Uuid);
        }
        if (died.Count > 0)
        {
            _blocks.SetRegisteredDatanodes(registered);
        }
        return died.Count;
    }

    public IReadOnlyList<DatanodeSnapshot> GetAll()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return [.. _nodes.Values.Select(n => Snapshot(n, now)).OrderBy(n => n.Uuid, StringComparer.Ordinal)];
        }
    }

    public DatanodeSnapshot? Find(string uuid)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return _nodes.TryGetValue(uuid, out var node) ? Snapshot(node, now) : null;
        }
    }

    /// <summary>
    /// The pipeline for a new block (see <see cref="BlockPlacementPolicy"/>); each node chosen counts the
    /// block as scheduled until it reports it received. With <paramref name="warnWhenShort"/>, a pipeline
    /// shorter than <paramref name="replication"/> because some nodes are full is logged, naming them.
    /// </summary>
    public IReadOnlyList<DatanodeSnapshot> ChooseTargets(int replication, IReadOnlySet<string> excluded, string? clientHost, long blockSizeBytes, string what,
        bool warnWhenShort = false)
    {
        var nodes = GetAll();
        var chosen = _placement.ChooseTargets(nodes, replication, excluded, clientHost, blockSizeBytes, what);
        if (warnWhenShort && chosen.Count < replication && BlockPlacementPolicy.WithoutRoom(nodes, excluded, blockSizeBytes) is { Count: > 0 } full)
        {
            LogShortPipeline(what, chosen.Count, replication, blockSizeBytes, BlockPlacementPolicy.DescribeSpace(full));
        }

        var now = _time.GetUtcNow();
        lock (_lock)
        {
            foreach (var target in chosen)
            {
                if (_nodes.TryGetValue(target.Uuid, out var node))
                {
                    node.ScheduleBlock(now);
                }
            }
        }

        return chosen;
    }

    /// <summary>The node reported <paramref name="count"/> blocks received (finalized): they no longer count as scheduled on it.</summary>
    public void BlocksReceived(string uuid, int count)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_nodes.TryGetValue(uuid, out var node))
            {
                for (var i = 0; i < count; i++)
                {
                    node.BlockReceived(now);
                }
            }
        }
    }

    /// <summary>
    /// The given DataNodes, nearest to a reader on <paramref name="clientHost"/> first: same host,
    /// then the same location label as a DataNode on that host, then the others; stale ones after the
    /// live, then those in maintenance (their process is stopping or gone), dead ones last. Unknown
    /// uuids are left out. Equal ones keep the given order.
    /// </summary>
    public IReadOnlyList<DatanodeSnapshot> SortForReader(IEnumerable<string> uuids, string? clientHost)
    {
        var nodes = uuids.Select(Find).OfType<DatanodeSnapshot>().ToList();
        var clientLocations = string.IsNullOrEmpty(clientHost)
            ? []
            : GetAll().Where(n => IsHost(n, clientHost)).Select(n => n.Address.Location).ToHashSet(StringComparer.Ordinal);
        return [.. nodes.OrderBy(n => ReadRank(n.State))
            .ThenBy(n => IsHost(n, clientHost) ? 0 : clientLocations.Contains(n.Address.Location) ? 1 : 2)];
    }

    public void Dispose() => _monitor.Dispose();

    private static int ReadRank(DatanodeLiveness state) => state switch
    {
        DatanodeLiveness.Live => 0,
        DatanodeLiveness.Stale => 1,
        DatanodeLiveness.InMaintenance => 2,
        _ => 3,
    };

    private static bool IsHost(DatanodeSnapshot node, string? host) =>
        !string.IsNullOrEmpty(host) && string.Equals(node.Address.Host, host, StringComparison.OrdinalIgnoreCase);

    private void RunMonitor()
    {
        try
        {
            CheckLiveness();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogMonitorFailed(exception);
        }
    }

    private int CountRegistered(DateTimeOffset now) => _nodes.Values.Count(n => !n.DeclaredDead && !IsDead(n, now));

    /// <summary>The liveness rule: silence past the dead interval, or a broken stream past the grace; neither during a maintenance.</summary>
    private bool IsDead(DatanodeDescriptor node, DateTimeOffset now) =>
        !IsInMaintenance(node, now)
        && (now - node.LastHeartbeat >= _options.DeadInterval
            || (node.DisconnectedAt is { } disconnectedAt && now - disconnectedAt >= _options.DisconnectGrace));

    private DatanodeSnapshot Snapshot(DatanodeDescriptor node, DateTimeOffset now)
    {
        // A disconnected node is stale during its grace: most likely its process is gone, so it is
        // not chosen for a new pipeline, but it is not written off yet.
        var state = node.DeclaredDead || IsDead(node, now) ? DatanodeLiveness.Dead
            : IsInMaintenance(node, now) ? DatanodeLiveness.InMaintenance
            : now - node.LastHeartbeat >= _options.StaleInterval || node.DisconnectedAt is not null ? DatanodeLiveness.Stale
            : DatanodeLiveness.Live;
        return new DatanodeSnapshot(node.Address, state, node.Load, node.LastHeartbeat, node.Registered, node.OpenStreams > 0) { BlocksScheduled = node.BlocksScheduled };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DataNode registered: {Address}")]
    private partial void LogRegistered(DatanodeAddress address);

    [LoggerMessage(Level = LogLevel.Information, Message = "DataNode {Uuid} re-registered from a new address: {Old} -> {New}")]
    private partial void LogAddressChanged(string uuid, DatanodeAddress old, DatanodeAddress @new);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DataNode {Address} is dead: no heartbeat for {Silence}; its replicas no longer count")]
    private partial void LogDead(DatanodeAddress address, TimeSpan silence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DataNode {Address} is dead: disconnected for {Disconnected} without coming back; its replicas no longer count")]
    private partial void LogDeadDisconnected(DatanodeAddress address, TimeSpan disconnected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Placed {What} on {Chosen} of {Replication} DataNodes: these have no room for a block of {BlockSizeBytes} bytes: {Full}")]
    private partial void LogShortPipeline(string what, int chosen, int replication, long blockSizeBytes, string full);

    [LoggerMessage(Level = LogLevel.Error, Message = "DataNode liveness check failed")]
    private partial void LogMonitorFailed(Exception exception);
}
