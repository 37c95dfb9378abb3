using System.Globalization;
using System.Text;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CkptFS.NameNode.Http;

/// <summary>The NameNode's plain-HTTP endpoints: liveness, Prometheus metrics and a short status page.</summary>
internal static class NameNodeHttpRoutes
{
    public static void Map(IEndpointRouteBuilder routes, FsNamespace fs, GroupCommitter committer, string rpcAddress, DateTimeOffset startedAt)
    {
        routes.MapGet("/healthz", () => Results.Text("ok\n"));
        routes.MapGet("/metrics", () => Results.Text(Metrics(fs, committer), "text/plain; version=0.0.4"));
        routes.MapGet("/", () => Results.Text(
            $"CkptFS NameNode\nrpc: {rpcAddress}\nstarted: {startedAt:u}\ninodes: {fs.Current.InodeCount}\nmutations committed: {committer.MutationsCommitted}\n"));
    }

    private static string Metrics(FsNamespace fs, GroupCommitter committer)
    {
        var text = new StringBuilder();
        Gauge(text, "ckptfs_namenode_inodes", "Files and directories in the namespace.", fs.Current.InodeCount);
        Counter(text, "ckptfs_namenode_mutations_committed_total", "Namespace mutations made durable.", committer.MutationsCommitted);
        Counter(text, "ckptfs_namenode_commit_groups_total", "Synced metadata batches (group commits).", committer.GroupsCommitted);
        Counter(text, "ckptfs_namenode_commit_sync_seconds_total", "Time spent writing synced metadata batches.", committer.SyncMicrosecondsTotal / 1e6);
        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, string help, double value) => Write(text, name, help, "gauge", value);

    private static void Counter(StringBuilder text, string name, string help, double value) => Write(text, name, help, "counter", value);

    private static void Write(StringBuilder text, string name, string help, string type, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");
}
