using System.Text.Json;
using CkptFS.Protocol.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace CkptFS.DataNode;

/// <summary>
/// The DataNode's HTTP endpoints: liveness, readiness, Prometheus metrics, its status page (/) and
/// the JSON that page reads (GET /api/v1/status: volumes, replicas, block scanner).
/// </summary>
internal static class DataNodeHttpRoutes
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Map(IEndpointRouteBuilder routes, DataNodeMetrics metrics, DataNodeReadiness readiness, DataNodeStatus status)
    {
        routes.MapGet("/healthz", () => Results.Text("ok\n"));
        routes.MapGet("/readyz", () => readiness.NotReadyReason() is { } reason
            ? Results.Text($"not ready: {reason}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ready\n"));
        // Prometheus text format; OpenMetrics when the scraper's Accept header asks for it.
        routes.MapMetrics(settings => settings.Registry = metrics.Registry, "/metrics");
        routes.MapGet("/api/v1/status", () => Results.Json(status.Snapshot(), Json));
        WebAssets.MapShared(routes);
        WebAssets.Map(routes, "/", typeof(DataNodeHttpRoutes).Assembly, "webui/index.html");
        WebAssets.Map(routes, "/ui/datanode.js", typeof(DataNodeHttpRoutes).Assembly, "webui/datanode.js");
    }
}
