using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;
using CkptFS.Protocol.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace CkptFS.NameNode.Http;

/// <summary>
/// The NameNode's plain-HTTP endpoints: liveness, readiness, Prometheus metrics, the web UI (/, its
/// files under /ui/), the read-only JSON API it reads (/api/v1/..., <see cref="NameNodeApi"/>) and a
/// short text status (/status).
/// /readyz answers as the gRPC health service does for the client protocol: ready from the moment
/// the port serves (the HTTP port opens after the gRPC one), 503 from the start of a stop. It is the
/// readiness probe where the gRPC port speaks TLS, which Kubernetes' native gRPC probe cannot.
/// </summary>
internal static class NameNodeHttpRoutes
{
    public static void Map(IEndpointRouteBuilder routes, FsNamespace fs, GroupCommitter committer, DatanodeManager datanodes, NameNodeMetrics metrics, NameNodeApi api,
        string rpcAddress, DateTimeOffset startedAt, CancellationToken stopping)
    {
        routes.MapGet("/healthz", () => Results.Text("ok\n"));
        routes.MapGet("/readyz", () => stopping.IsCancellationRequested
            ? Results.Text("not ready: stopping\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ready\n"));
        // Prometheus text format; OpenMetrics when the scraper's Accept header asks for it.
        routes.MapMetrics(settings => settings.Registry = metrics.Registry, "/metrics");
        routes.MapGet("/status", () => Results.Text(
            $"CkptFS NameNode\nrpc: {rpcAddress}\nstarted: {startedAt:u}\ninodes: {fs.Current.InodeCount}\nmutations committed: {committer.MutationsCommitted}\n" +
            $"datanodes: {DescribeDatanodes(datanodes)}\n"));
        WebAssets.MapShared(routes);
        WebAssets.Map(routes, "/", typeof(NameNodeHttpRoutes).Assembly, "webui/index.html");
        WebAssets.Map(routes, "/ui/namenode.js", typeof(NameNodeHttpRoutes).Assembly, "webui/namenode.js");
        api.Map(routes);
    }

    /// <summary>"2 live, 0 stale, 1 in maintenance, 0 dead".</summary>
    private static string DescribeDatanodes(DatanodeManager datanodes)
    {
        var nodes = datanodes.GetAll();
        int Count(DatanodeLiveness state) => nodes.Count(n => n.State == state);
        return $"{Count(DatanodeLiveness.Live)} live, {Count(DatanodeLiveness.Stale)} stale, {Count(DatanodeLiveness.InMaintenance)} in maintenance, {Count(DatanodeLiveness.Dead)} dead";
    }
}
