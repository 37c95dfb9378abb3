namespace CkptFS.NameNode.Blocks;

/// <summary>Settings of the block map and safe mode (HDFS dfs.namenode.replication.min, dfs.namenode.safemode.*).</summary>
public sealed class BlockManagerOptions
{
    /// <summary>
    /// Finalized replicas a block needs before the next block is allocated and before the file may
    /// close (dfs.namenode.replication.min): 1.
    /// </summary>
    public int MinReplication { get; set; } = 1;

    /// <summary>
    /// Fraction of blocks that must have a reported replica before a restarted NameNode leaves safe
    /// mode (dfs.namenode.safemode.threshold-pct): 0.999.
    /// </summary>
    public double SafeModeThreshold { get; set; } = 0.999;

    /// <summary>DataNodes that must be registered before safe mode ends (dfs.namenode.safemode.min.datanodes): 0.</summary>
    public int SafeModeMinDatanodes { get; set; }

    /// <summary>
    /// Most blocks one heartbeat reply tells a DataNode to delete (dfs.block.invalidate.limit: 1000),
    /// so that a big delete does not stall a DataNode or grow one reply without bound.
    /// </summary>
    public int MaxDeletesPerHeartbeat { get; set; } = 1000;

    public void Validate()
    {
        Require(MinReplication >= 1, nameof(MinReplication), MinReplication, ">= 1");
        Require(SafeModeThreshold is >= 0 and <= 1, nameof(SafeModeThreshold), SafeModeThreshold, "0..1");
        Require(SafeModeMinDatanodes >= 0, nameof(SafeModeMinDatanodes), SafeModeMinDatanodes, ">= 0");
        Require(MaxDeletesPerHeartbeat >= 1, nameof(MaxDeletesPerHeartbeat), MaxDeletesPerHeartbeat, ">= 1");
    }

    private static void Require(bool condition, string key, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid setting Blocks:{key} = {value}: expected {expected}.", key);
        }
    }
}
