namespace CkptFS.NameNode.DataNodes;

/// <summary>The DatanodeManager's mutable record of one DataNode, guarded by its lock.</summary>
internal sealed class DatanodeDescriptor(DatanodeAddress address, DateTimeOffset registered)
{
    /// <summary>HDFS's BLOCKS_SCHEDULED_ROLL_INTERVAL: 10 minutes, far longer than any block takes to write.</summary>
    public static readonly TimeSpan BlocksScheduledRollInterval = TimeSpan.FromMinutes(10);

    private int _blocksScheduled;
    private int _blocksScheduledBefore;
    private DateTimeOffset _blocksScheduledRolled = registered;

    public DatanodeAddress Address { get; set; } = address;

    public DateTimeOffset Registered { get; set; } = registered;

    public DateTimeOffset LastHeartbeat { get; set; } = registered;

    public DatanodeLoad Load { get; set; }

    /// <summary>Connect streams open now: more than one while a broken one is not yet noticed, or after a restart.</summary>
    public int OpenStreams { get; set; }

    /// <summary>When the last open stream closed; cleared by a new stream, a heartbeat or a registration.</summary>
    public DateTimeOffset? DisconnectedAt { get; set; }

    /// <summary>Set once the node was declared dead and its replicas removed; cleared by a new registration.</summary>
    public bool DeclaredDead { get; set; }

    /// <summary>When the maintenance the node entered ends by itself; null when it is in none. Cleared by a new registration or at expiry.</summary>
    public DateTimeOffset? MaintenanceUntil { get; set; }

    /// <summary>
    /// Blocks chosen for this node that it has not reported received (finalized) yet (HDFS's
    /// approxBlocksScheduled): the space they will take is not in its last heartbeat's remaining bytes.
    /// Counted in two windows rolled every <see cref="BlocksScheduledRollInterval"/>, so that a block
    /// never reported (an abandoned pipeline, a node dropped mid-block) stops counting after two of them.
    /// </summary>
    public int BlocksScheduled => _blocksScheduled + _blocksScheduledBefore;

    public void ScheduleBlock(DateTimeOffset now)
    {
        RollBlocksScheduled(now);
        _blocksScheduled++;
    }

    /// <summary>The node reported a block received: one scheduled block less (the older window's first).</summary>
    public void BlockReceived(DateTimeOffset now)
    {
        RollBlocksScheduled(now);
        if (_blocksScheduledBefore > 0)
        {
            _blocksScheduledBefore--;
        }
        else if (_blocksScheduled > 0)
        {
            _blocksScheduled--;
        }
    }

    public void RollBlocksScheduled(DateTimeOffset now)
    {
        if (now - _blocksScheduledRolled >= BlocksScheduledRollInterval)
        {
            _blocksScheduledBefore = _blocksScheduled;
            _blocksScheduled = 0;
            _blocksScheduledRolled = now;
        }
    }
}
