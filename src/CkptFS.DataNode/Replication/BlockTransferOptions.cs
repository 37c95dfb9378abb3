namespace CkptFS.DataNode.Replication;

/// <summary>Settings of the copies a DataNode makes when the NameNode asks it to re-replicate blocks.</summary>
public sealed class BlockTransferOptions
{
    /// <summary>
    /// Copies this node sends at once: 2, the NameNode's default per-node stream bound
    /// (dfs.namenode.replication.max-streams), so that its commands never wait here.
    /// </summary>
    public int MaxConcurrentTransfers { get; set; } = 2;

    /// <summary>
    /// Copies waiting for a slot: 64. One beyond it is dropped with a warning; the NameNode schedules it
    /// again when its pending timeout passes without a RECEIVED report.
    /// </summary>
    public int MaxQueuedTransfers { get; set; } = 64;

    /// <summary>Longest time one copy may take, connection to last ack: 10 min (a 1 GiB block at under 2 MiB/s).</summary>
    public TimeSpan TransferTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public void Validate()
    {
        Require(MaxConcurrentTransfers >= 1, nameof(MaxConcurrentTransfers), MaxConcurrentTransfers, ">= 1");
        Require(MaxQueuedTransfers >= 1, nameof(MaxQueuedTransfers), MaxQueuedTransfers, ">= 1");
        Require(TransferTimeout > TimeSpan.Zero, nameof(TransferTimeout), TransferTimeout, "> 0");
    }

    private static void Require(bool condition, string key, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid setting Transfers:{key} = {value}: expected {expected}.", key);
        }
    }
}
