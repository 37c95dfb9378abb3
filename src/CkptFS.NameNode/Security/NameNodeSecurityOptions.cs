namespace CkptFS.NameNode.Security;

/// <summary>The NameNode's "Security" settings (CKPTFS_NAMENODE__SECURITY__*).</summary>
public sealed class NameNodeSecurityOptions
{
    /// <summary>
    /// A file of random bytes (at least 16) shared with the DataNodes. When set, every
    /// DatanodeProtocol call must carry a proof made with it (<see cref="Protocol.Security.ClusterProof"/>),
    /// else it is refused UNAUTHENTICATED: a process without the secret cannot register and is never
    /// sent a block. Unset (the default, for the local quickstart): DataNodes are not authenticated.
    /// </summary>
    public string? ClusterSecretFile { get; set; }

    /// <summary>How far a proof's timestamp may be from this NameNode's clock: 5 min (Kerberos' default skew).</summary>
    public TimeSpan ClusterProofSkew { get; set; } = TimeSpan.FromMinutes(5);

    public void Validate()
    {
        if (ClusterSecretFile is not null && string.IsNullOrWhiteSpace(ClusterSecretFile))
        {
            throw new ArgumentException("Invalid setting Security:ClusterSecretFile: it is blank; give a file of random bytes or leave it unset.");
        }
        if (ClusterProofSkew <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Invalid setting Security:ClusterProofSkew = {ClusterProofSkew}: expected a positive duration.");
        }
    }
}
