using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CkptFS.Protocol.Http;

/// <summary>
/// Serves the web UI's files from resources embedded in an assembly (no file on disk, nothing from
/// outside: the pages work on a cluster without internet access). The shared ones
/// (/ui/ckptfs.css, /ui/ckptfs.js) live in this assembly; each server adds its own page and script.
/// Read once at start; served with no-cache, so a new build's pages show after an upgrade.
/// </summary>
public static class WebAssets
{
    /// <summary>Maps the shared style sheet and script (formatting, fetch, element helpers) every page loads.</summary>
    public static void MapShared(IEndpointRouteBuilder routes)
    {
        Map(routes, "/ui/ckptfs.css", typeof(WebAssets).Assembly, "webui/ckptfs.css");
        Map(routes, "/ui/ckptfs.js", typeof(WebAssets).Assembly, "webui/ckptfs.js");
    }

    /// <summary>Maps GET <paramref name="route"/> to the embedded resource <paramref name="resource"/>; the content type follows its extension.</summary>
    public static void Map(IEndpointRouteBuilder routes, string route, Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The web UI resource {resource} is not embedded in {assembly.GetName().Name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        var contentType = Path.GetExtension(resource) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            var other => throw new InvalidOperationException($"No content type for {other} ({resource})."),
        };
        routes.MapGet(route, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache";
            return Results.Bytes(bytes, contentType);
        });
    }
}
