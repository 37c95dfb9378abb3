namespace CkptFS.NameNode.DataNodes;

/// <summary>
/// DataNode liveness settings (HDFS dfs.heartbeat.interval, dfs.namenode.stale.datanode.interval,
/// dfs.namenode.heartbeat.recheck-interval). A node is dead after
/// 2 × <see cref="RecheckInterval"/> + 10 × <see cref="HeartbeatInterval"/> without a heartbeat
/// (10.5 min with the defaults), as in HDFS: long enough that a GC pause or a NameNode failover does
/// not trigger a storm of re-replication. A node whose Connect stream broke (its process died or its
/// connection was reset: a signal a partition does not give) is dead after the much shorter
/// <see cref="DisconnectGrace"/> unless it heartbeats or reconnects first.
/// </summary>
public sealed class DatanodeManagerOptions
{
    /// <summary>How often DataNodes heartbeat (they are told nothing; this sizes the dead interval): 3 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Without a heartbeat this long a node is stale: not chosen for writes, read from last: 30 s.</summary>
    public TimeSpan StaleInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often dead nodes are looked for; also sizes the dead interval: 5 min.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a node may stay disconnected (its Connect stream closed, no heartbeat since) before
    /// it is dead: 10 s. Long enough for a DataNode restart or a reset connection to come back;
    /// deaths are acted on by the liveness check, which runs every <see cref="HeartbeatInterval"/>.
    /// </summary>
    public TimeSpan DisconnectGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a DataNode that entered maintenance (it said it is stopping for a restart) is kept
    /// out of liveness: 10 min (HDFS sets a per-node expiry; dfs.namenode.maintenance has no single
    /// default). Neither the disconnect grace nor the dead interval declares it dead meanwhile, and
    /// its replicas are not re-replicated; a re-registration ends it. When it runs out and the node
    /// has not come back, the usual rules apply at once (a node gone for good is declared dead).
    /// </summary>
    public TimeSpan MaintenanceDuration { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan DeadInterval => 2 * RecheckInterval + 10 * HeartbeatInterval;

    public void Validate()
    {
        Require(HeartbeatInterval > TimeSpan.Zero, nameof(HeartbeatInterval), HeartbeatInterval, "a positive duration");
        Require(RecheckInterval > TimeSpan.Zero, nameof(RecheckInterval), RecheckInterval, "a positive duration");
        Require(StaleInterval > TimeSpan.Zero && StaleInterval < DeadInterval, nameof(StaleInterval), StaleInterval,
            $"positive and shorter than the dead interval ({DeadInterval})");
        // Not bounded by the dead interval: a grace longer than it only means silence wins first (tests shorten the dead interval).
        Require(DisconnectGrace > TimeSpan.Zero, nameof(DisconnectGrace), DisconnectGrace, "a positive duration");
        Require(MaintenanceDuration > TimeSpan.Zero, nameof(MaintenanceDuration), MaintenanceDuration, "a positive duration");
    }

    private static void Require(bool condition, string key, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid setting Datanodes:{key} = {value}: expected {expected}.", key);
        }
    }
}
