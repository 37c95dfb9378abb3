using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CkptFS.Client;

/// <summary>Settings of a <see cref="CkptFsClient"/>, with the defaults a CLI call or a training job wants.</summary>
public sealed class CkptFsClientOptions
{
    /// <summary>The environment variable that names the NameNode when no address is given.</summary>
    public const string NameNodeEnvironmentVariable = "CKPTFS_NAMENODE";

    public const string DefaultNameNodeAddress = "127.0.0.1:8020";

    /// <summary>NameNode RPC address, HOST:PORT.</summary>
    public string NameNodeAddress { get; set; } = Environment.GetEnvironmentVariable(NameNodeEnvironmentVariable) is { Length: > 0 } fromEnvironment
        ? fromEnvironment
        : DefaultNameNodeAddress;

    /// <summary>
    /// The client's unique name: the lease holder of files it writes and the client id of its
    /// request ids. Unique per client instance, as HDFS's DFSClient_&lt;random&gt;.
    /// </summary>
    public string ClientName { get; set; } = $"ckptfs-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}";

    /// <summary>The user recorded as owner of what this client creates.</summary>
    public string User { get; set; } = Environment.UserName;

    /// <summary>Deadline of one NameNode call (each retry gets its own).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Retries of a call that failed because the NameNode was unreachable or busy (safe: mutations
    /// carry request ids, so a retried one is answered from the NameNode's retry cache).
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First back-off between retries; doubles each time.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>This machine's name as DataNodes know it: a DataNode on the same host is chosen first for writes and reads.</summary>
    public string ClientHost { get; set; } = CkptFsClient.DefaultClientHost();

    /// <summary>Pipelines tried for one block before a write fails (HDFS dfs.client.block.write.retries, 3).</summary>
    public int BlockWriteAttempts { get; set; } = 3;

    /// <summary>
    /// Pipeline recoveries one block may go through (a DataNode failing mid-block, or one failing during
    /// a recovery, each count one) before the write fails: 5, as HDFS's limit of 5 recoveries per packet.
    /// </summary>
    public int PipelineRecoveryAttempts { get; set; } = 5;

    /// <summary>
    /// How long a create with overwrite waits while the NameNode recovers the file it replaces (the
    /// previous writer died and its soft limit passed): 60 s, backing off from 100 ms to 2 s.
    /// </summary>
    public TimeSpan LeaseRecoveryTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long close waits for the last block's replicas to be reported before it fails.</summary>
    public TimeSpan CompleteTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest lease renewal period: 30 s, half the default soft limit; a NameNode with a shorter soft limit gets half of its own.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the SDK logs what a caller does not see in results: pipeline recoveries (Warning). None by default.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    public BlockIO.BlockWriterOptions BlockWriter { get; set; } = new();

    public BlockIO.BlockReaderOptions BlockReader { get; set; } = new();
}
