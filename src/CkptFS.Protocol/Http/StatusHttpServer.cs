using System.Net;
using System.Net.Security;
using CkptFS.Protocol.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CkptFS.Protocol.Http;

/// <summary>
/// A plain HTTP/1.1 endpoint for /healthz, /metrics and status pages, for processes that serve no
/// gRPC (the DataNode). Minimal Kestrel: no middleware but routing; logs through the process's factory.
/// HTTPS instead when given certificates (the same reloaded ones as the process's other ports).
/// </summary>
public sealed class StatusHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StatusHttpServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The bound port (the real one when 0 was asked for).</summary>
    public int Port { get; }

    /// <param name="certificates">Serve HTTPS with these; null: cleartext HTTP.</param>
    public static async Task<StatusHttpServer> StartAsync(string bindAddress, int port, ILoggerFactory loggerFactory, Action<IEndpointRouteBuilder> mapRoutes, CancellationToken cancellationToken,
        CertificateReloader? certificates = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddRoutingCore();
        ListenOptions? endpoint = null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Parse(bindAddress), port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (certificates is not null)
                {
                    listen.UseHttps(TlsHandshake.ServerOptions(certificates, [SslApplicationProtocol.Http11]));
                }
                endpoint = listen;
            }));
        var app = builder.Build();
        app.UseRouting();
        mapRoutes(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            if (ListenErrors.Translate(exception, "HTTP", bindAddress, port) is { } bindFailure)
            {
                throw bindFailure;
            }

            throw;
        }
        // Kestrel writes the bound endpoint back into the ListenOptions (the real port for 0).
        return new StatusHttpServer(app, ((IPEndPoint)endpoint!.EndPoint).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
