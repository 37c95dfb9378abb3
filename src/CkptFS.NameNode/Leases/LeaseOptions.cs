namespace CkptFS.NameNode.Leases;

/// <summary>
/// Write-lease limits (HDFS: soft 60 s, hard 20 min; dfs.namenode.lease-recheck-interval 2 s).
/// Clients renew every soft limit / 2. After the soft limit another client may take the file over
/// (create with overwrite, or recover-lease); after the hard limit the NameNode recovers it by itself.
/// </summary>
public sealed class LeaseOptions
{
    /// <summary>After this long without a renewal another client may take the file over: 60 s.</summary>
    public TimeSpan SoftLimit { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>After this long without a renewal the NameNode recovers the holder's files itself: 20 min.</summary>
    public TimeSpan HardLimit { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How often the lease monitor looks for expired leases and stuck recoveries: 2 s.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A block recovery not committed within this time (its primary DataNode died, or could not reach
    /// the replicas) is started again with a new recovery id and, when there is one, another primary: 60 s.
    /// </summary>
    public TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public void Validate()
    {
        Require(SoftLimit > TimeSpan.Zero, nameof(SoftLimit), SoftLimit, "a positive duration");
        Require(HardLimit >= SoftLimit, nameof(HardLimit), HardLimit, $"at least the soft limit ({SoftLimit})");
        Require(CheckInterval > TimeSpan.Zero, nameof(CheckInterval), CheckInterval, "a positive duration");
        Require(RecoveryTimeout > TimeSpan.Zero, nameof(RecoveryTimeout), RecoveryTimeout, "a positive duration");
    }

    private static void Require(bool condition, string key, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid setting Leases:{key} = {value}: expected {expected}.", key);
        }
    }
}
