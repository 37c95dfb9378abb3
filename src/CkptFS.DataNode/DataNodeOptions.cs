using CkptFS.DataNode.NameNodeLink;
using CkptFS.DataNode.Recovery;
using CkptFS.DataNode.Replication;
using CkptFS.DataNode.Security;

namespace CkptFS.DataNode;

/// <summary>
/// DataNode settings: the block store and data transfer (<see cref="Storage"/>), the link to the
/// NameNode (<see cref="NameNode"/>), and the process's own identity and HTTP port. Bound from the
/// config file's "DataNode" section, then CKPTFS_DATANODE__* environment variables, then flags.
/// </summary>
public sealed class DataNodeOptions
{
    /// <summary>Stable node id for a new data folder (default: a random UUID). Kept in the folder after.</summary>
    public string? NodeId { get; set; }

    /// <summary>Topology label "/zone/rack" the placement policy spreads replicas over; empty means "/default".</summary>
    public string Location { get; set; } = string.Empty;

    /// <summary>
    /// Host name or IP that clients and other DataNodes use to reach this node. Default: the bind
    /// address when it is a specific one, else this machine's host name.
    /// </summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>HTTP port for /healthz, /readyz and /metrics (HDFS's 9864); 0 picks a free port; -1 turns it off.</summary>
    public int HttpPort { get; set; } = 9864;

    /// <summary>
    /// On SIGTERM, how long writes in flight (then the connections open at that moment) may take to
    /// finish before the rest are cut: 20 s. New writes are refused meanwhile. With the NameNode call
    /// and the last report (5 s each at most) it must stay below the pod's
    /// terminationGracePeriodSeconds (60 s in deploy/k8s/base/datanode.yaml).
    /// </summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// TLS with Tls:CertificateFile and Tls:KeyFile (PEM), re-read when they change on disk
    /// (CKPTFS_DATANODE__TLS__CERTIFICATEFILE, ..._KEYFILE): HTTPS on the HTTP port, and TLS on the
    /// transfer port unless <see cref="TransferTls"/> is false. Off by default. Clients and peers
    /// check the certificate against their CA bundle; this node checks its peers and the NameNode
    /// against NameNode:TlsCaFile.
    /// </summary>
    public CkptFS.Protocol.Tls.TlsServerOptions Tls { get; set; } = new();

    /// <summary>
    /// With <see cref="Tls"/> set, the transfer port serves TLS too (true, the default). False keeps
    /// block data in cleartext on a network trusted for it (TLS costs CPU on every hop: see the
    /// README's figures); block tokens still guard every op.
    /// </summary>
    public bool TransferTls { get; set; } = true;

    /// <summary>The transfer port serves TLS.</summary>
    public bool ServesTransferTls => Tls.Enabled && TransferTls;

    public DataNodeStorageOptions Storage { get; set; } = new();

    public NameNodeLinkOptions NameNode { get; set; } = new();

    public Scanner.BlockScannerOptions Scanner { get; set; } = new();

    /// <summary>Re-replication copies this node sends: 2 at once, 64 queued, 10 min each at most.</summary>
    public BlockTransferOptions Transfers { get; set; } = new();

    /// <summary>Block recoveries this node leads as primary: 4 at once, 256 queued, 2 min per replica call, 10 min each.</summary>
    public BlockRecoveryOptions Recovery { get; set; } = new();

    /// <summary>DataNode authentication: the cluster secret file to prove membership with (unset: none).</summary>
    public DataNodeSecurityOptions Security { get; set; } = new();

    public void Validate()
    {
        if (HttpPort < -1 || HttpPort > 65535)
        {
            throw new ArgumentException($"Invalid setting HttpPort = {HttpPort}: expected 0..65535 or -1 (off).");
        }
        if (Location.Length > 0 && !Location.StartsWith('/'))
        {
            throw new ArgumentException($"Invalid setting Location = '{Location}': expected a path such as /zone-a/rack-1.");
        }
        if (ShutdownDrainTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"Invalid setting ShutdownDrainTimeout = {ShutdownDrainTimeout}: expected a duration of 0 or more.");
        }
        Tls.Validate("DataNode");
        if (ServesTransferTls && string.IsNullOrWhiteSpace(NameNode.TlsCaFile))
        {
            throw new ArgumentException("Invalid settings: the transfer port serves TLS (Tls is set), so the peers' ports do too, and this node needs the cluster's CA bundle " +
                "to check them: set NameNode:TlsCaFile (CKPTFS_DATANODE__NAMENODE__TLSCAFILE or --tls-ca), or TransferTls=false.");
        }
        Storage.Validate();
        NameNode.Validate();
        Scanner.Validate();
        Transfers.Validate();
        Recovery.Validate();
        Security.Validate();
    }

    /// <summary>The host this node advertises (see <see cref="AdvertisedHost"/>).</summary>
    public string ResolveAdvertisedHost() =>
        AdvertisedHost is { Length: > 0 } host ? host
        : Storage.BindAddress is "0.0.0.0" or "::" or "[::]" ? System.Net.Dns.GetHostName()
        : Storage.BindAddress;
}
