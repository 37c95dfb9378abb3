using System.Net;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// A Kestrel server with the gRPC port (HTTP/2 cleartext only, every request to the
/// <see cref="GrpcDispatcher"/>, no routing on that path) and an optional plain-HTTP port for
/// status pages (HTTP/1.1 and HTTP/2, routed to what <c>mapHttpRoutes</c> maps). The health
/// service is always served; the whole server ("") reports SERVING once started and NOT_SERVING
/// from the moment it starts stopping.
/// </summary>
public sealed partial class GrpcServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcServerOptions _options;
    private readonly ILogger _logger;
    private int _stopped;

    private GrpcServerHost(WebApplication app, GrpcServerOptions options, HealthService health, ILogger logger)
    {
        _app = app;
        _options = options;
        Health = health;
        _logger = logger;
    }

    /// <summary>The gRPC port actually bound (the chosen one when <see cref="GrpcServerOptions.Port"/> was 0).</summary>
    public int GrpcPort { get; private set; }

    /// <summary>The plain-HTTP port actually bound, or null when <see cref="GrpcServerOptions.HttpPort"/> is null.</summary>
    public int? HttpPort { get; private set; }

    public HealthService Health { get; }

    /// <summary><c>host:port</c> of the gRPC endpoint, as <see cref="GrpcChannel.ForAddress"/> takes it.</summary>
    public string GrpcAddress => new IPEndPoint(_options.ParsedBindAddress, GrpcPort).ToString();

    public static Task<GrpcServerHost> StartAsync(GrpcServerOptions options, GrpcServiceRegistry registry, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
        => StartAsync(options, registry, loggerFactory, mapHttpRoutes: null, cancellationToken);

    public static async Task<GrpcServerHost> StartAsync(
        GrpcServerOptions options,
        GrpcServiceRegistry registry,
        ILoggerFactory loggerFactory,
        Action<IEndpointRouteBuilder>? mapHttpRoutes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        var health = new HealthService();
        if (!registry.Contains(HealthMethods.Check.FullName))
        {
            health.AddTo(registry);
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        var endpoints = new ListenOptions?[2];
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => ConfigureKestrel(kestrel, options, endpoints));
        if (options.HttpPort is not null)
        {
            builder.Services.AddRoutingCore();
        }

        var app = builder.Build();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var dispatcher = new GrpcDispatcher(registry, options, loggerFactory.CreateLogger<GrpcDispatcher>(), lifetime.ApplicationStopping);
        if (options.HttpPort is null)
        {
            app.Run(dispatcher.HandleAsync);
        }
        else
        {
            app.Use((context, next) => context.Features.Get<GrpcEndpointFeature>() is not null
                ? dispatcher.HandleAsync(context)
                : next(context));
            app.UseRouting();
            mapHttpRoutes?.Invoke(app);
        }

        var host = new GrpcServerHost(app, options, health, loggerFactory.CreateLogger<GrpcServerHost>());
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        // Kestrel writes the bound endpoint back into each ListenOptions (the real port for 0).
        host.GrpcPort = ((IPEndPoint)endpoints[0]!.EndPoint).Port;
        host.HttpPort = endpoints[1] is { } http ? ((IPEndPoint)http.EndPoint).Port : null;
        lifetime.ApplicationStopping.Register(() => health.SetStatus(string.Empty, ServingStatus.NotServing));
        health.SetStatus(string.Empty, ServingStatus.Serving);
        LogStarted(host._logger, options.BindAddress, host.GrpcPort, host.HttpPort, registry.Count, options.MaxReceiveMessageBytes, options.MaxSendMessageBytes);
        return host;
    }

    /// <summary>Stops accepting calls, gives calls in flight up to <see cref="GrpcServerOptions.ShutdownTimeout"/>, then aborts them.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        LogStopping(_logger, GrpcPort);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_options.ShutdownTimeout);
        await _app.StopAsync(bounded.Token).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, GrpcServerOptions options, ListenOptions?[] endpoints)
    {
        kestrel.AddServerHeader = false;
        var limits = kestrel.Limits;

        // Streams (Watch, uploads) may stay idle for long: per-message limits apply instead.
        limits.MinRequestBodyDataRate = null;
        limits.MinResponseDataRate = null;
        limits.MaxRequestBodySize = null;
        limits.Http2.MaxStreamsPerConnection = options.MaxConcurrentStreamsPerConnection;
        limits.Http2.KeepAlivePingDelay = options.KeepAlivePingDelay ?? TimeSpan.MaxValue;
        limits.Http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;

        // A 4 MiB message should not stall on the 768 KiB default stream window.
        limits.Http2.InitialStreamWindowSize = 4 * 1024 * 1024;
        limits.Http2.InitialConnectionWindowSize = 8 * 1024 * 1024;

        var address = options.ParsedBindAddress;
        kestrel.Listen(address, options.Port, listen =>
        {
            endpoints[0] = listen;
            listen.Protocols = HttpProtocols.Http2;
            listen.Use(next => connection =>
            {
                connection.Features.Set(GrpcEndpointFeature.Instance);
                return next(connection);
            });
            options.ConfigureGrpcEndpoint?.Invoke(listen);
        });
        if (options.HttpPort is { } httpPort)
        {
            kestrel.Listen(address, httpPort, listen =>
            {
                endpoints[1] = listen;
                listen.Protocols = HttpProtocols.Http1; // cleartext: HTTP/2 would need TLS negotiation (ALPN), so say so instead of a start-up warning
            });
        }
    }

}
