namespace CkptFS.NameNode.Namespace;

/// <summary>Limits and defaults of the namespace (HDFS's dfs.replication, dfs.blocksize, fs-limits).</summary>
public sealed class NamespaceOptions
{
    /// <summary>Replicas per block when the client asks for 0 (dfs.replication).</summary>
    public int DefaultReplication { get; set; } = 3;

    /// <summary>Upper bound on a file's replication (dfs.replication.max).</summary>
    public int MaxReplication { get; set; } = 512;

    /// <summary>Block size in bytes when the client asks for 0 (dfs.blocksize): 128 MiB.</summary>
    public long DefaultBlockSizeBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Smallest block size a file may ask for (dfs.namenode.fs-limits.min-block-size): 64 KiB.</summary>
    public long MinBlockSizeBytes { get; set; } = 64 * 1024;

    /// <summary>Largest block size a file may ask for: 2 GiB.</summary>
    public long MaxBlockSizeBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Block sizes must be a multiple of the checksum chunk (512 bytes).</summary>
    public int BytesPerChecksum { get; set; } = 512;

    /// <summary>Entries per listing page when the client asks for 0 (dfs.ls.limit).</summary>
    public int ListingPageSize { get; set; } = 1000;

    /// <summary>Owner recorded when a caller names none.</summary>
    public string DefaultOwner { get; set; } = "ckptfs";


    /// <summary>
    /// How long a Complete waits in the NameNode for its last block's minimum finalized replicas
    /// before answering "not yet" (the writer then asks again): the DataNodes' reports trail the
    /// pipeline's last ack by milliseconds, so a short wait turns most closes into one round trip.
    /// </summary>
    public TimeSpan CompleteWaitForReplicas { get; set; } = TimeSpan.FromSeconds(2);

    public void Validate()
    {
        Require(DefaultReplication >= 1 && DefaultReplication <= MaxReplication, nameof(DefaultReplication), DefaultReplication, $"1..{MaxReplication}");
        Require(MaxReplication >= 1, nameof(MaxReplication), MaxReplication, ">= 1");
        Require(BytesPerChecksum > 0, nameof(BytesPerChecksum), BytesPerChecksum, "> 0");
        Require(MinBlockSizeBytes >= BytesPerChecksum && MinBlockSizeBytes % BytesPerChecksum == 0, nameof(MinBlockSizeBytes), MinBlockSizeBytes, $"a multiple of {BytesPerChecksum}");
        Require(MaxBlockSizeBytes >= MinBlockSizeBytes, nameof(MaxBlockSizeBytes), MaxBlockSizeBytes, $">= {nameof(MinBlockSizeBytes)} ({MinBlockSizeBytes})");
        Require(DefaultBlockSizeBytes >= MinBlockSizeBytes && DefaultBlockSizeBytes <= MaxBlockSizeBytes && DefaultBlockSizeBytes % BytesPerChecksum == 0,
            nameof(DefaultBlockSizeBytes), DefaultBlockSizeBytes, $"{MinBlockSizeBytes}..{MaxBlockSizeBytes} and a multiple of {BytesPerChecksum}");
        Require(ListingPageSize >= 1, nameof(ListingPageSize), ListingPageSize, ">= 1");
        Require(CompleteWaitForReplicas >= TimeSpan.Zero, nameof(CompleteWaitForReplicas), CompleteWaitForReplicas, ">= 0");
    }

    private static void Require(bool condition, string key, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid setting {key} = {value}: expected {expected}.", key);
        }
    }
}
