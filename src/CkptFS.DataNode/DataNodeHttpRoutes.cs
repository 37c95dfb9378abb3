using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace CkptFS.DataNode;

/// <summary>The DataNode's HTTP endpoints: liveness, readiness and Prometheus metrics.</summary>
internal static class DataNodeHttpRoutes
{
    public static void Map(IEndpointRouteBuilder routes, DataNodeMetrics metrics, DataNodeReadiness readiness)
    {
        routes.MapGet("/healthz", () => Results.Text("ok\n"));
        routes.MapGet("/readyz", () => readiness.NotReadyReason() is { } reason
            ? Results.Text($"not ready: {reason}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ready\n"));
        // Prometheus text format; OpenMetrics when the scraper's Accept header asks for it.
        routes.MapMetrics(settings => settings.Registry = metrics.Registry, "/metrics");
    }
}
