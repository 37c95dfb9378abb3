using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace CkptFS.NameNode.Http;

/// <summary>The NameNode's plain-HTTP endpoints: liveness, Prometheus metrics and a short status page.</summary>
internal static class NameNodeHttpRoutes
{
    public static void Map(IEndpointRouteBuilder routes, FsNamespace fs, GroupCommitter committer, DatanodeManager datanodes, NameNodeMetrics metrics, string rpcAddress, DateTimeOffset startedAt)
    {
        routes.MapGet("/healthz", () => Results.Text("ok\n"));
        // Prometheus text format; OpenMetrics when the scraper's Accept header asks for it.
        routes.MapMetrics(settings => settings.Registry = metrics.Registry, "/metrics");
        routes.MapGet("/", () => Results.Text(
            $"CkptFS NameNode\nrpc: {rpcAddress}\nstarted: {startedAt:u}\ninodes: {fs.Current.InodeCount}\nmutations committed: {committer.MutationsCommitted}\n" +
            $"datanodes: {DescribeDatanodes(datanodes)}\n"));
    }

    /// <summary>"2 live, 0 stale, 1 in maintenance, 0 dead".</summary>
    private static string DescribeDatanodes(DatanodeManager datanodes)
    {
        var nodes = datanodes.GetAll();
        int Count(DatanodeLiveness state) => nodes.Count(n => n.State == state);
        return $"{Count(DatanodeLiveness.Live)} live, {Count(DatanodeLiveness.Stale)} stale, {Count(DatanodeLiveness.InMaintenance)} in maintenance, {Count(DatanodeLiveness.Dead)} dead";
    }
}
