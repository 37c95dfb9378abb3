using System.Globalization;
using System.Text.RegularExpressions;
using CkptFS.Client;
using CkptFS.Common;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Cluster;

/// <summary>
/// A NameNode and N DataNodes as background processes on this machine, logs and data under one
/// folder: the embedded cluster behind the quickstart, the tests and the benchmarks. The DataNodes
/// authenticate to the NameNode with a cluster secret generated into the folder (<see cref="SecretFileName"/>,
/// kept across restarts of the cluster), passed to every process by environment variable.
/// </summary>
public static partial class LocalCluster
{
    /// <summary>The cluster secret's file in the cluster folder (32 random bytes, owner-only).</summary>
    public const string SecretFileName = "cluster-secret";

    /// <summary>The settings that point the NameNode and the DataNodes at the secret file.</summary>
    public const string NameNodeSecretVariable = "CKPTFS_NAMENODE__SECURITY__CLUSTERSECRETFILE";

    public const string DataNodeSecretVariable = "CKPTFS_DATANODE__SECURITY__CLUSTERSECRETFILE";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <param name="tls">
    /// TLS on the NameNode's gRPC port, the DataNodes' transfer ports and HTTPS on every HTTP port,
    /// with the certificates of <see cref="ClusterCertificates"/>; the DataNodes and every client of
    /// the cluster verify the NameNode and the DataNodes against DIR/tls/ca.pem.
    /// </param>
    public static async Task<ClusterState> StartAsync(string directory, int dataNodes, int nameNodePort, IReadOnlyList<string> nameNodeArguments, CancellationToken cancellationToken,
        bool tls = false)
    {
        directory = Path.GetFullPath(directory);
        if (ClusterState.Load(directory) is { } existing && ClusterProcessFinder.FindPid(existing.NameNode) is not null)
        {
            throw new CkptFsException(ErrorCode.FileAlreadyExists,
                $"A cluster already runs from {directory} (NameNode pid {existing.NameNode.Pid}); stop it first: ckptfs cluster stop --dir {directory}");
        }
        var logs = Directory.CreateDirectory(Path.Combine(directory, "logs")).FullName;
        var certificates = tls ? await ClusterCertificates.EnsureAsync(directory, cancellationToken) : null;
        string[] nameNodeTls = certificates is null ? [] : ["--tls-cert", certificates.CertificateFile, "--tls-key", certificates.KeyFile];
        string[] dataNodeTls = certificates is null ? [] : ["--tls-ca", certificates.CaFile, .. nameNodeTls];
        var secret = EnsureSecret(directory);
        var nameNode = await StartNameNodeAsync(directory, logs, nameNodePort, [.. nameNodeTls, .. nameNodeArguments], secret, cancellationToken);
        var state = new ClusterState(nameNode, [], certificates?.CaFile);
        state.Save(directory);
        try
        {
            var nodes = new List<ClusterProcess>();
            var logStarts = new List<long>();
            for (var i = 0; i < dataNodes; i++)
            {
                var (node, logStart) = StartDataNode(directory, logs, nameNode.Address, i, dataNodeTls, secret);
                nodes.Add(node);
                logStarts.Add(logStart);
            }
            for (var i = 0; i < nodes.Count; i++)
            {
                var ready = await DetachedProcess.WaitForLineAsync(nodes[i].Pid, nodes[i].LogFile, logStarts[i], DataNodeReady(), StartTimeout, cancellationToken);
                nodes[i] = nodes[i] with { Address = ready.Groups["transfer"].Value, HttpAddress = ready.Groups["http"].Value, NodeId = ready.Groups["id"].Value };
            }
            state = state with { DataNodes = nodes };
            state.Save(directory);
            await WaitForLiveDataNodesAsync(state, dataNodes, cancellationToken);
            return state;
        }
        catch
        {
            await StopAsync(directory);
            throw;
        }
    }

    public static async Task<bool> StopAsync(string directory)
    {
        var state = ClusterState.Load(Path.GetFullPath(directory));
        if (state is null)
        {
            return false;
        }
        // Whatever serves each member now: the recorded PID, or the process restarted by hand on its folder.
        await Task.WhenAll(state.DataNodes.Select(StopMemberAsync));
        await StopMemberAsync(state.NameNode);
        ClusterState.Delete(Path.GetFullPath(directory));
        return true;
    }

    private static Task StopMemberAsync(ClusterProcess member) =>
        ClusterProcessFinder.FindPid(member) is { } pid ? DetachedProcess.StopAsync(pid, TimeSpan.FromSeconds(10)) : Task.CompletedTask;

    /// <summary>The cluster's secret file, made on the first start in <paramref name="directory"/>.</summary>
    private static string EnsureSecret(string directory)
    {
        var path = Path.Combine(directory, SecretFileName);
        if (!File.Exists(path))
        {
            ClusterSecret.Generate(path);
        }
        return path;
    }

    private static async Task<ClusterProcess> StartNameNodeAsync(string directory, string logs, int port, IReadOnlyList<string> extra, string secret,
        CancellationToken cancellationToken)
    {
        var data = Path.Combine(directory, "namenode");
        var log = Path.Combine(logs, "namenode.log");
        var logStart = DetachedProcess.LogLength(log);
        var pid = DetachedProcess.Start(
            ["namenode", "--data", data, "--port", port.ToString(CultureInfo.InvariantCulture), "--http-port", "0", .. extra], log,
            new Dictionary<string, string> { [NameNodeSecretVariable] = secret });
        var ready = await DetachedProcess.WaitForLineAsync(pid, log, logStart, NameNodeReady(), StartTimeout, cancellationToken);
        return new ClusterProcess("namenode", pid, ready.Groups["rpc"].Value, ready.Groups["http"].Value, data, log);
    }

    /// <summary>Starts DataNode <paramref name="index"/>; also returns where its lines begin in its log.</summary>
    private static (ClusterProcess Node, long LogStart) StartDataNode(string directory, string logs, string nameNodeAddress, int index, IReadOnlyList<string> tls, string secret)
    {
        var name = $"dn{index}";
        var data = Path.Combine(directory, name);
        var log = Path.Combine(logs, name + ".log");
        var logStart = DetachedProcess.LogLength(log);
        var pid = DetachedProcess.Start(
            ["datanode", "--namenode", nameNodeAddress, "--data", data, "--port", "0", "--http-port", "0", "--id", name, .. tls], log,
            new Dictionary<string, string> { [DataNodeSecretVariable] = secret });
        return (new ClusterProcess(name, pid, string.Empty, string.Empty, data, log), logStart);
    }

    private static async Task WaitForLiveDataNodesAsync(ClusterState state, int expected, CancellationToken cancellationToken)
    {
        var nameNodeAddress = state.NameNode.Address;
        using var client = new CkptFsClient(state.ClientOptions());
        var deadline = DateTime.UtcNow + StartTimeout;
        var live = 0;
        while (DateTime.UtcNow < deadline)
        {
            var report = await client.GetDatanodeReportAsync(cancellationToken);
            live = report.Datanodes.Count(d => d.State == DatanodeState.Live);
            if (live >= expected && !report.SafeMode)
            {
                return;
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new CkptFsException(ErrorCode.NotEnoughDataNodes, $"Only {live} of {expected} DataNodes registered with the NameNode at {nameNodeAddress} within {StartTimeout.TotalSeconds:0} s; see the logs.");
    }

    [GeneratedRegex(@"NameNode listening: rpc=(?<rpc>\S+) http=(?<http>\S+)")]
    private static partial Regex NameNodeReady();

    [GeneratedRegex(@"DataNode listening: transfer=(?<transfer>\S+) http=(?<http>\S+) id=(?<id>\S+)")]
    internal static partial Regex DataNodeReady();
}
