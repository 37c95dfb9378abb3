namespace CkptFS.NameNode.Audit;

/// <summary>
/// The audit log (HDFS's hdfs-audit.log): one JSON line per namespace call, in a file of its own.
/// Bound from the "NameNode:Audit" section (CKPTFS_NAMENODE__AUDIT__ENABLED=false turns it off).
/// </summary>
public sealed class AuditLogOptions
{
    /// <summary>On by default: who did what is the first question after an accident.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The file lines are appended to; empty means <c>audit.log</c> in the NameNode's data folder.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// Lines waiting for the writer (65,536, ~10 MiB at most). When the disk falls that far behind,
    /// new lines are dropped and counted (ckptfs_namenode_audit_dropped_total): a call never waits for its audit line.
    /// </summary>
    public int QueueCapacity { get; set; } = 65_536;

    public string PathIn(string dataDirectory) => Path.Length > 0 ? Path : System.IO.Path.Combine(dataDirectory, "audit.log");

    public void Validate()
    {
        if (QueueCapacity < 1)
        {
            throw new ArgumentException($"Invalid setting Audit:QueueCapacity = {QueueCapacity}: expected at least 1.");
        }
    }
}
