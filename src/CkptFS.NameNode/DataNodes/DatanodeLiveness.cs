namespace CkptFS.NameNode.DataNodes;

/// <summary>A DataNode's state by the time of its last heartbeat.</summary>
public enum DatanodeLiveness
{
    Live,

    /// <summary>
    /// No heartbeat for the stale interval, or disconnected and within the disconnect grace: still
    /// read from (last), never chosen for writes.
    /// </summary>
    Stale,

    /// <summary>No heartbeat for the dead interval, or disconnected for the disconnect grace: its replicas no longer count.</summary>
    Dead,

    /// <summary>
    /// Its DataNode said it is stopping for a restart (HDFS IN_MAINTENANCE), at most
    /// <see cref="DatanodeManagerOptions.MaintenanceDuration"/> ago and has not registered again
    /// since: never chosen for writes or as a replication target, read from last of all, not declared
    /// dead while the maintenance lasts; its replicas stay in the block map and count toward
    /// replication, except for the minimum of live ones (see <see cref="Blocks.ReplicationOptions.MaintenanceMinReplicas"/>).
    /// </summary>
    InMaintenance,
}
