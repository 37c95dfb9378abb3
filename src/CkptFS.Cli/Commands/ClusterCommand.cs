using CkptFS.Cli.Parsing;
using System.CommandLine;
using CkptFS.Cli.Cluster;
using CkptFS.Cli.Output;
using CkptFS.Client;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands;

/// <summary>`ckptfs cluster start|status|stop --dir DIR`: a local NameNode and DataNodes as background processes.</summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var start = new Command("start", "Start a NameNode and N DataNodes in the background (logs and data under DIR); returns once all DataNodes are registered.");
        var startDir = DirOption();
        var dataNodes = new Option<int>("--datanodes") { Description = "DataNodes to start.", DefaultValueFactory = _ => 3 }.Within(1, 64);
        var port = new Option<int>("--port") { Description = "NameNode RPC port (0 picks a free one).", DefaultValueFactory = _ => 0 }.Within(0, 65535);
        start.Add(startDir);
        start.Add(dataNodes);
        var tls = new Option<bool>("--tls") { Description = "TLS on the NameNode's gRPC port and the DataNodes' transfer ports, HTTPS on every HTTP port, with a CA and certificate made in DIR/tls (scripts/make-certs.sh, openssl); prints the CA to export as CKPTFS_TLS_CA." };
        start.Add(port);
        start.Add(tls);
        start.SetAction(async (result, cancellationToken) =>
        {
            var count = result.GetValue(dataNodes);
            var directory = Path.GetFullPath(result.GetRequiredValue(startDir));
            var state = await LocalCluster.StartAsync(directory, count, result.GetValue(port), [], cancellationToken, result.GetValue(tls));
            Console.WriteLine($"NameNode {state.NameNode.Address}{(state.TlsCaFile is null ? "" : " (TLS)")} (http {state.NameNode.HttpAddress}, pid {state.NameNode.Pid}), {state.DataNodes.Count} DataNodes live; logs and data in {directory}");
            var environment = ClusterEnvironment.Write(directory, state);
            foreach (var line in environment)
            {
                Console.WriteLine(line);
            }
            return 0;
        });

        var status = new Command("status", "Show the local cluster's processes and DataNode states.");
        var statusDir = DirOption();
        status.Add(statusDir);
        status.SetAction(async (result, cancellationToken) =>
        {
            var state = ClusterState.Load(Path.GetFullPath(result.GetRequiredValue(statusDir)));
            if (state is null)
            {
                Console.Error.WriteLine($"ckptfs: no cluster was started from {result.GetRequiredValue(statusDir)} (ckptfs cluster start --dir DIR).");
                return 1;
            }
            return await PrintStatusAsync(state, cancellationToken);
        });

        var stop = new Command("stop", "Stop the local cluster's processes (SIGTERM, then SIGKILL after 10 s); data stays.");
        var stopDir = DirOption();
        stop.Add(stopDir);
        stop.SetAction(async (result, _) =>
        {
            var stopped = await LocalCluster.StopAsync(result.GetRequiredValue(stopDir));
            Console.WriteLine(stopped ? "stopped." : "no cluster was running there.");
            return 0;
        });
        return new Command("cluster", "Run a local cluster (NameNode + DataNodes) as background processes.") { start, status, stop };
    }

    private static Option<string> DirOption() => new("--dir") { Description = "Folder of the cluster's logs, data and state.", Required = true };

    private static async Task<int> PrintStatusAsync(ClusterState state, CancellationToken cancellationToken)
    {
        var processes = new[] { state.NameNode }.Concat(state.DataNodes).ToList();
        var pids = processes.ToDictionary(p => p.Name, ClusterProcessFinder.FindPid);
        foreach (var process in processes)
        {
            var pid = pids[process.Name];
            var shown = pid is null ? "NOT RUNNING" : pid == process.Pid ? "running" : "running (restarted)";
            Console.WriteLine($"{process.Name,-9} pid {pid ?? process.Pid,-7} {shown,-19} {process.Address,-22} log {process.LogFile}");
        }
        if (pids[state.NameNode.Name] is null)
        {
            return 1;
        }
        using var client = new CkptFsClient(state.ClientOptions(nameNodeWait: TimeSpan.Zero));
        var report = await client.GetDatanodeReportAsync(cancellationToken);
        var live = report.Datanodes.Count(d => d.State == DatanodeState.Live);
        Console.WriteLine($"NameNode {state.NameNode.Address}: {live}/{report.Datanodes.Count} DataNodes live, {report.TotalBlocks} blocks, safe mode {(report.SafeMode ? "on" : "off")}, used {ByteSize.Format(report.Datanodes.Sum(d => (long)d.UsedBytes))}");
        return pids.Values.All(pid => pid is not null) ? 0 : 1;
    }
}
