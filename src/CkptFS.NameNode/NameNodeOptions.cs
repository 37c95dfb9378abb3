using CkptFS.NameNode.Audit;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Leases;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Security;
using CkptFS.Protocol.Rpc;
using CkptFS.Protocol.Tls;

namespace CkptFS.NameNode;

/// <summary>
/// NameNode settings, bound from the config file's "NameNode" section, then CKPTFS_NAMENODE__*
/// environment variables, then command-line flags. Validated at start.
/// </summary>
public sealed class NameNodeOptions
{
    /// <summary>Folder of the durable metadata (RocksDB). Required.</summary>
    public string DataDirectory { get; set; } = string.Empty;

    /// <summary>Address the RPC and HTTP endpoints bind to; 0.0.0.0 for every interface.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>gRPC port (HDFS's 8020); 0 picks a free port.</summary>
    public int RpcPort { get; set; } = 8020;

    /// <summary>HTTP port for /healthz, /metrics and the status page (HDFS's 9870); 0 picks a free port; -1 disables.</summary>
    public int HttpPort { get; set; } = 9870;

    /// <summary>How long a retried mutation is answered from the retry cache (HDFS: 10 min).</summary>
    public TimeSpan RetryCacheExpiry { get; set; } = TimeSpan.FromMinutes(10);

    public NamespaceOptions Namespace { get; set; } = new();

    /// <summary>Minimum replication, safe mode threshold (0.999) and minimum DataNodes (0), deletes per heartbeat (1000).</summary>
    public BlockManagerOptions Blocks { get; set; } = new();

    /// <summary>Re-replication: scan every 1 s, 2 transfers per source node, pending transfers forgotten after 5 min.</summary>
    public ReplicationOptions Replication { get; set; } = new();

    /// <summary>Heartbeat (3 s), stale (30 s) and recheck (5 min) intervals; dead after 2 × recheck + 10 × heartbeat.</summary>
    public DatanodeManagerOptions Datanodes { get; set; } = new();

    /// <summary>Lease soft limit (60 s), hard limit (20 min), monitor interval (2 s), block recovery timeout (60 s).</summary>
    public LeaseOptions Leases { get; set; } = new();

    /// <summary>Block key update interval (10 h) and token lifetime (10 h).</summary>
    public BlockTokenOptions BlockTokens { get; set; } = new();

    /// <summary>DataNode authentication: the cluster secret file (unset: off) and the proof's clock skew (5 min).</summary>
    public NameNodeSecurityOptions Security { get; set; } = new();

    /// <summary>Checkpoint housekeeping: abandoned pending steps collected after 1 h idle, scanned every minute.</summary>
    public CheckpointOptions Checkpoints { get; set; } = new();

    /// <summary>
    /// The RPC port's limits: messages (4 MiB), connections (1024), idle connections closed after
    /// 2 min, streams per connection (256), keepalive pings, response compression from 64 KiB,
    /// shutdown grace (5 s). Its BindAddress and Port are taken from <see cref="BindAddress"/> and <see cref="RpcPort"/>.
    /// </summary>
    public RpcServerOptions Rpc { get; set; } = new();

    /// <summary>
    /// TLS on the gRPC port and HTTPS on the HTTP port: Tls:CertificateFile and Tls:KeyFile (PEM),
    /// re-read when they change on disk (CKPTFS_NAMENODE__TLS__CERTIFICATEFILE, ..._KEYFILE). Off by default (cleartext).
    /// </summary>
    public TlsServerOptions Tls { get; set; } = new();

    /// <summary>The audit log: on, JSON lines in DataDirectory/audit.log, 65,536 queued lines at most.</summary>
    public AuditLogOptions Audit { get; set; } = new();

    /// <summary>Client authentication: none (default) or bearer tokens the NameNode issues.</summary>
    public AuthenticationOptions Authentication { get; set; } = new();

    /// <summary>Owner, group and mode checks on every call (off by default; HDFS dfs.permissions.enabled).</summary>
    public PermissionOptions Permissions { get; set; } = new();

    /// <summary>The RPC server's settings, with this NameNode's address and port.</summary>
    public RpcServerOptions ToRpcServerOptions()
    {
        Rpc.BindAddress = BindAddress;
        Rpc.Port = RpcPort;
        Rpc.Tls = Tls;
        return Rpc;
    }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("Invalid setting DataDirectory: it is empty; give the NameNode a folder for its metadata (--data DIR).");
        }
        RequirePort(nameof(RpcPort), RpcPort, allowDisabled: false);
        RequirePort(nameof(HttpPort), HttpPort, allowDisabled: true);
        if (RetryCacheExpiry <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Invalid setting RetryCacheExpiry = {RetryCacheExpiry}: expected a positive duration.");
        }
        Namespace.Validate();
        Blocks.Validate();
        Replication.Validate();
        Datanodes.Validate();
        BlockTokens.Validate();
        Security.Validate();
        Checkpoints.Validate();
        Audit.Validate();
        Authentication.Validate();
        Permissions.Validate();
        Leases.Validate();
        Tls.Validate("NameNode");
        ToRpcServerOptions().Validate();
    }

    private static void RequirePort(string key, int port, bool allowDisabled)
    {
        if (port < (allowDisabled ? -1 : 0) || port > 65535)
        {
            throw new ArgumentException($"Invalid setting {key} = {port}: expected 0..65535{(allowDisabled ? " or -1 (off)" : string.Empty)}.");
        }
    }
}
