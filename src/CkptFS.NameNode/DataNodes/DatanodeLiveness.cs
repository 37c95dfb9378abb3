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
}
