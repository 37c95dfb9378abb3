using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace CkptFS.DataNode;

/// <summary>The DataNode's HTTP endpoints: liveness and Prometheus metrics.</summary>
internal static class DataNodeHttpRoutes
{
    public static void Map(IEndpointRouteBuilder routes, DataNodeMetrics metrics)
    {
        routes.MapGet("/healthz", () => Results.Text("ok\n"));
        // Prometheus text format; OpenMetrics when the scraper's Accept header asks for it.
        routes.MapMetrics(settings => settings.Registry = metrics.Registry, "/metrics");
    }
}
