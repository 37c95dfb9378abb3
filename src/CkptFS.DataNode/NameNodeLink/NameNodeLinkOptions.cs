namespace CkptFS.DataNode.NameNodeLink;

/// <summary>How a DataNode talks to its NameNode (HDFS dfs.heartbeat.interval, dfs.blockreport.intervalMsec, ...).</summary>
public sealed class NameNodeLinkOptions
{
    /// <summary>The NameNode's gRPC address, host:port. Required.</summary>
    public string NameNodeAddress { get; set; } = string.Empty;

    /// <summary>
    /// A PEM CA bundle: the link speaks TLS and trusts only a NameNode whose certificate chains to it
    /// and names the host of <see cref="NameNodeAddress"/>. Empty (default): cleartext, unless the
    /// address starts with https://. Bound as DataNode:NameNode:TlsCaFile; the CLI falls back to --tls-ca and CKPTFS_TLS_CA.
    /// </summary>
    public string? TlsCaFile { get; set; }

    /// <summary>Between heartbeats (which carry the NameNode's commands back): 3 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Between full block reports after the one that follows each registration: 6 h.</summary>
    public TimeSpan FullBlockReportInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// How long replica changes (being written, deleted) are gathered before one incremental report
    /// goes out: 100 ms. A finalized replica goes out at once, with whatever else is pending, because
    /// a writer's Complete waits for it; under load, changes still batch while a report is in flight.
    /// </summary>
    public TimeSpan IncrementalReportDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>First wait after a failed registration or report; doubles per failure: 1 s.</summary>
    public TimeSpan ReconnectBackoffInitial { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts: 30 s.</summary>
    public TimeSpan ReconnectBackoffMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of each call to the NameNode: 30 s (a full report of many replicas takes a while).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(NameNodeAddress))
        {
            throw new ArgumentException("Invalid setting NameNodeLink:NameNodeAddress: it is empty; give the NameNode's host:port (--namenode HOST:PORT).");
        }
        if (!string.IsNullOrWhiteSpace(TlsCaFile) && !File.Exists(TlsCaFile))
        {
            throw new ArgumentException($"Invalid setting NameNodeLink:TlsCaFile = {TlsCaFile}: no such file.");
        }
        RequirePositive(nameof(HeartbeatInterval), HeartbeatInterval);
        RequirePositive(nameof(FullBlockReportInterval), FullBlockReportInterval);
        RequirePositive(nameof(IncrementalReportDelay), IncrementalReportDelay);
        RequirePositive(nameof(ReconnectBackoffInitial), ReconnectBackoffInitial);
        RequirePositive(nameof(CallTimeout), CallTimeout);
        if (ReconnectBackoffMax < ReconnectBackoffInitial)
        {
            throw new ArgumentException($"Invalid setting NameNodeLink:ReconnectBackoffMax = {ReconnectBackoffMax}: expected at least ReconnectBackoffInitial ({ReconnectBackoffInitial}).");
        }
    }

    private static void RequirePositive(string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Invalid setting NameNodeLink:{key} = {value}: expected a positive duration.");
        }
    }
}
