namespace CkptFS.DataNode.Recovery;

/// <summary>Settings of the block recoveries a DataNode leads when the NameNode makes it a recovery's primary.</summary>
public sealed class BlockRecoveryOptions
{
    /// <summary>Recoveries this node runs at once: 4. Each is a few small calls, but an INIT may wait for a writer to stop.</summary>
    public int MaxConcurrentRecoveries { get; set; } = 4;

    /// <summary>
    /// Recoveries waiting for a slot: 256. One beyond it is dropped with a warning; the NameNode starts
    /// the recovery again after its recovery timeout.
    /// </summary>
    public int MaxQueuedRecoveries { get; set; } = 256;

    /// <summary>
    /// Longest wait for one replica's answer to INIT or UPDATE, connection included: 2 min. Above the
    /// DataNodes' SocketTimeout (60 s), which an INIT may spend waiting for a writer to stop.
    /// </summary>
    public TimeSpan ReplicaCallTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest time one recovery may take, first INIT to the NameNode's answer (commit retries included): 10 min.</summary>
    public TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public void Validate()
    {
        Require(MaxConcurrentRecoveries >= 1, nameof(MaxConcurrentRecoveries), MaxConcurrentRecoveries, ">= 1");
        Require(MaxQueuedRecoveries >= 1, nameof(MaxQueuedRecoveries), MaxQueuedRecoveries, ">= 1");
        Require(ReplicaCallTimeout > TimeSpan.Zero, nameof(ReplicaCallTimeout), ReplicaCallTimeout, "> 0");
        Require(RecoveryTimeout >= ReplicaCallTimeout, nameof(RecoveryTimeout), RecoveryTimeout, $"at least ReplicaCallTimeout ({ReplicaCallTimeout})");
    }

    private static void Require(bool condition, string key, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid setting Recovery:{key} = {value}: expected {expected}.", key);
        }
    }
}
