namespace CkptFS.DataNode.Security;

/// <summary>The DataNode's "Security" settings (CKPTFS_DATANODE__SECURITY__*).</summary>
public sealed class DataNodeSecurityOptions
{
    /// <summary>
    /// A copy of the NameNode's cluster secret file (Security:ClusterSecretFile there). When set,
    /// every call to the NameNode carries a proof made with it; a NameNode that requires the secret
    /// refuses a DataNode without it. Unset by default.
    /// </summary>
    public string? ClusterSecretFile { get; set; }

    public void Validate()
    {
        if (ClusterSecretFile is not null && string.IsNullOrWhiteSpace(ClusterSecretFile))
        {
            throw new ArgumentException("Invalid setting Security:ClusterSecretFile: it is blank; give the cluster's secret file or leave it unset.");
        }
    }
}
