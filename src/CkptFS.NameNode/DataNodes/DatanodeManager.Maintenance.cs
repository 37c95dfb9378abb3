using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.DataNodes;

/// <summary>
/// Maintenance (HDFS ENTERING_MAINTENANCE / IN_MAINTENANCE, entered by the DataNode itself when it
/// stops for a restart, e.g. a Kubernetes rolling update). A restart takes seconds; re-replicating
/// everything the node holds because its stream broke would copy terabytes for nothing. So:
///   1. <see cref="EnterMaintenance"/>: the node is <see cref="DatanodeLiveness.InMaintenance"/> until
///      <see cref="DatanodeManagerOptions.MaintenanceDuration"/> from now: placement skips it (only
///      live nodes are chosen), readers get it last, and <see cref="IsDead"/> says no whatever its
///      silence or its broken stream; its replicas stay in the block map and still count (the
///      replication monitor only tops up blocks left with too few live replicas);
///   2. the restarted node registers again: <see cref="EndMaintenance"/>, and its full block report
///      reconciles its replicas;
///   3. no registration by the end: <see cref="ExpireMaintenance"/> (in the liveness check) clears it and
///      the usual rules apply at once: a node whose stream broke long ago is declared dead, its
///      replicas leave the map and are re-replicated.
/// </summary>
public sealed partial class DatanodeManager
{
    /// <summary>Puts a registered node in maintenance (again: the end moves); false when it is unknown or declared dead.</summary>
    public bool EnterMaintenance(string uuid, string reason)
    {
        var now = _time.GetUtcNow();
        DateTimeOffset until;
        lock (_lock)
        {
            if (!_nodes.TryGetValue(uuid, out var node) || node.DeclaredDead || IsDead(node, now))
            {
                return false;
            }
            node.MaintenanceUntil = until = now + _options.MaintenanceDuration;
        }
        LogEnteredMaintenance(uuid, reason, until);
        return true;
    }

    /// <summary>Nodes in maintenance now.</summary>
    public int CountInMaintenance()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return _nodes.Values.Count(n => !n.DeclaredDead && IsInMaintenance(n, now));
        }
    }

    private static bool IsInMaintenance(DatanodeDescriptor node, DateTimeOffset now) => node.MaintenanceUntil is { } until && now < until;

    /// <summary>Called under the lock by a registration: the node is back.</summary>
    private void EndMaintenance(DatanodeDescriptor node, DateTimeOffset now)
    {
        if (node.MaintenanceUntil is not { } until)
        {
            return;
        }
        node.MaintenanceUntil = null;
        LogMaintenanceEnded(node.Address.Uuid, now - (until - _options.MaintenanceDuration));
    }

    /// <summary>Called under the lock by the liveness check, before it looks for deaths.</summary>
    private void ExpireMaintenance(DateTimeOffset now)
    {
        foreach (var node in _nodes.Values.Where(n => n.MaintenanceUntil is { } until && now >= until))
        {
            node.MaintenanceUntil = null;
            LogMaintenanceExpired(node.Address.Uuid, _options.MaintenanceDuration);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DataNode {Uuid} entered maintenance ({Reason}) until {Until:u}: not chosen for writes, not declared dead, its replicas not re-replicated")]
    private partial void LogEnteredMaintenance(string uuid, string reason, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Information, Message = "DataNode {Uuid} registered again: maintenance over after {Duration}")]
    private partial void LogMaintenanceEnded(string uuid, TimeSpan duration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DataNode {Uuid} did not come back within its maintenance of {Duration}: the usual liveness rules apply again")]
    private partial void LogMaintenanceExpired(string uuid, TimeSpan duration);
}
