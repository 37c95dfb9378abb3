namespace CkptFS.NameNode.Blocks;

/// <summary>Settings of the replication monitor (HDFS dfs.namenode.replication.*, dfs.namenode.reconstruction.pending.timeout-sec).</summary>
public sealed class ReplicationOptions
{
    /// <summary>
    /// How often the monitor looks for blocks to repair: 1 s (HDFS dfs.namenode.redundancy.interval: 3 s).
    /// A scan of a checkpoint cluster's map takes well under a millisecond, so a short interval costs little.
    /// </summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Transfers one DataNode is asked to source at once (dfs.namenode.replication.max-streams): 2, so
    /// that repair after a death does not starve the node's clients of disk and network.
    /// </summary>
    public int MaxReplicationStreamsPerNode { get; set; } = 2;

    /// <summary>
    /// A scheduled transfer that no target confirmed (RECEIVED report) within this time is forgotten and
    /// scheduled again, maybe from another source: 5 min (dfs.namenode.reconstruction.pending.timeout-sec).
    /// </summary>
    public TimeSpan PendingTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Finalized replicas a block keeps on live nodes (not in maintenance) while others are on nodes in
    /// maintenance: 1 (HDFS dfs.namenode.maintenance.replication.min). A block with fewer is copied to
    /// live nodes; one with at least this many is left alone (its node in maintenance comes back with
    /// its replica). 0 never copies for a maintenance.
    /// </summary>
    public int MaintenanceMinReplicas { get; set; } = 1;

    public void Validate()
    {
        Require(RecheckInterval > TimeSpan.Zero, nameof(RecheckInterval), RecheckInterval, "> 0");
        Require(MaxReplicationStreamsPerNode >= 1, nameof(MaxReplicationStreamsPerNode), MaxReplicationStreamsPerNode, ">= 1");
        Require(PendingTimeout > TimeSpan.Zero, nameof(PendingTimeout), PendingTimeout, "> 0");
        Require(MaintenanceMinReplicas >= 0, nameof(MaintenanceMinReplicas), MaintenanceMinReplicas, ">= 0");
    }

    private static void Require(bool condition, string key, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid setting Replication:{key} = {value}: expected {expected}.", key);
        }
    }
}
