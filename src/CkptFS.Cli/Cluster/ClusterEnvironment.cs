using CkptFS.Client;
using CkptFS.Protocol.Tls;

namespace CkptFS.Cli.Cluster;

/// <summary>
/// The environment a shell needs to use a local cluster: CKPTFS_NAMENODE, CKPTFS_TLS_CA when it
/// runs TLS, CKPTFS_TOKEN_FILE (the admin token) when its NameNode requires tokens. Printed by `cluster start` and written to DIR/env.sh (`. DIR/env.sh`).
/// </summary>
public static class ClusterEnvironment
{
    public const string FileName = "env.sh";

    /// <summary>Writes DIR/env.sh and returns its export lines.</summary>
    public static IReadOnlyList<string> Write(string directory, ClusterState state)
    {
        var lines = new List<string> { $"export {CkptFsClientOptions.NameNodeEnvironmentVariable}={state.NameNode.Address}" };
        if (state.TlsCaFile is { } caFile)
        {
            lines.Add($"export {TlsClientTrust.CaFileEnvironmentVariable}={caFile}");
        }
        if (state.AdminTokenFile() is { } adminToken)
        {
            lines.Add($"export {CkptFsClientOptions.TokenFileEnvironmentVariable}={adminToken}");
        }
        File.WriteAllLines(Path.Combine(directory, FileName), lines);
        return lines;
    }
}
