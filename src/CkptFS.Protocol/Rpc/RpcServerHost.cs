using System.IO.Compression;
using System.Net;
using System.Net.Security;
using CkptFS.Protocol.Http;
using CkptFS.Protocol.Tls;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace CkptFS.Protocol.Rpc;

/// <summary>
/// A gRPC server on grpc-dotnet: Kestrel with one HTTP/2 port (cleartext, or TLS with a certificate
/// reloaded from disk when <see cref="RpcServerOptions.Tls"/> is set), the services given, the
/// error interceptor, <c>grpc.health.v1.Health</c> and server reflection. Health answers for the
/// whole server (<c>""</c>) and for every service by its full name: SERVING once the port is open,
/// NOT_SERVING from the moment the server starts stopping. Callers may set other names through
/// <see cref="Health"/> (the NameNode reports its write availability).
/// </summary>
public sealed partial class RpcServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RpcServerOptions _options;
    private readonly ILogger _logger;
    private int _stopped;
    private string[] _healthNames = [];

    private RpcServerHost(WebApplication app, RpcServerOptions options, HealthServiceImpl health, int port, CertificateReloader? certificates, ILogger logger)
    {
        _app = app;
        Certificates = certificates;
        _options = options;
        Health = health;
        Port = port;
        _logger = logger;
    }

    /// <summary>The port actually bound (the chosen one when <see cref="RpcServerOptions.Port"/> was 0).</summary>
    public int Port { get; }

    /// <summary><c>host:port</c> of the endpoint, as <see cref="RpcChannel.ForAddress"/> takes it.</summary>
    public string Address => new IPEndPoint(_options.ParsedBindAddress, Port).ToString();

    /// <summary>The served certificate when the port speaks TLS; null for cleartext.</summary>
    public CertificateReloader? Certificates { get; }

    /// <summary>The health service: set further names' status here.</summary>
    public HealthServiceImpl Health { get; }

    public static async Task<RpcServerHost> StartAsync(RpcServerOptions options, RpcServices services, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        var certificates = options.Tls.Enabled
            ? CertificateReloader.Load(options.Tls, TimeProvider.System, loggerFactory.CreateLogger<CertificateReloader>())
            : null;
        var health = new HealthServiceImpl();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton<ILoggerFactory>(new RpcHostLoggerFactory(loggerFactory));
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddRoutingCore();

        // A singleton: grpc-dotnet builds an interceptor that is not in the container anew for every call.
        builder.Services.AddSingleton<ServerErrorInterceptor>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageBytes;
            grpc.MaxSendMessageSize = options.MaxSendMessageBytes;
            grpc.EnableDetailedErrors = options.EnableDetailedErrors;
            grpc.ResponseCompressionAlgorithm = "gzip";
            grpc.ResponseCompressionLevel = CompressionLevel.Fastest;
            grpc.Interceptors.Add<ServerErrorInterceptor>();
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton(health);
        services.Register(builder.Services);
        ListenOptions? endpoint = null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => endpoint = ConfigureKestrel(kestrel, options, certificates));

        var app = builder.Build();

        // Every service here is a singleton built by the caller: resolving it from the root provider
        // spares each call the creation and disposal of a DI scope, which nothing here needs.
        var root = app.Services;
        app.Use((context, next) =>
        {
            context.RequestServices = root;
            return next(context);
        });
        app.UseRouting();
        services.Map(app);
        app.MapGrpcService<HealthServiceImpl>();
        app.MapGrpcReflectionService();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The port is taken, or the start was cancelled: nothing may stay behind.
            await app.DisposeAsync().ConfigureAwait(false);
            if (ListenErrors.Translate(exception, "gRPC", options.BindAddress, options.Port) is { } bindFailure)
            {
                throw bindFailure;
            }

            throw;
        }

        // Kestrel writes the bound endpoint back into the ListenOptions (the real port for 0).
        var port = ((IPEndPoint)endpoint!.EndPoint).Port;
        var host = new RpcServerHost(app, options, health, port, certificates, loggerFactory.CreateLogger<RpcServerHost>());
        string[] names = [string.Empty, .. services.Names];
        host._healthNames = names;
        app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => SetAll(health, names, ServingStatus.NotServing));
        SetAll(health, names, ServingStatus.Serving);
        LogStarted(host._logger, certificates is null ? "cleartext" : string.IsNullOrWhiteSpace(options.Tls.ClientCaFile) ? "TLS" : "TLS, client certificates", options.BindAddress, port, string.Join(", ", services.Names), options.MaxReceiveMessageBytes,
            options.MaxConnections, options.IdleConnectionTimeout);
        return host;
    }

    /// <summary>
    /// Says NOT_SERVING for the server and each service ahead of <see cref="StopAsync"/>, while calls
    /// are still served: the first step of a graceful stop (a readiness probe fails, load balancers
    /// and clients that check health go elsewhere).
    /// </summary>
    public void SetNotServing() => SetAll(Health, _healthNames, ServingStatus.NotServing);

    /// <summary>Stops accepting calls, gives calls in flight up to <see cref="RpcServerOptions.ShutdownTimeout"/>, then aborts them.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        LogStopping(_logger, Port);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_options.ShutdownTimeout);
        await _app.StopAsync(bounded.Token).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static void SetAll(HealthServiceImpl health, IEnumerable<string> names, ServingStatus status)
    {
        foreach (var name in names)
        {
            health.SetStatus(name, status);
        }
    }

    private static ListenOptions ConfigureKestrel(KestrelServerOptions kestrel, RpcServerOptions options, CertificateReloader? certificates)
    {
        kestrel.AddServerHeader = false;
        var limits = kestrel.Limits;
        limits.MaxConcurrentConnections = options.MaxConnections;
        limits.KeepAliveTimeout = options.IdleConnectionTimeout;

        // Streams (a DataNode's Connect) may stay idle for long: per-message limits apply instead.
        limits.MinRequestBodyDataRate = null;
        limits.MinResponseDataRate = null;
        limits.MaxRequestBodySize = null;
        limits.Http2.MaxStreamsPerConnection = options.MaxConcurrentStreamsPerConnection;
        limits.Http2.KeepAlivePingDelay = options.KeepAlivePingDelay ?? TimeSpan.MaxValue;
        limits.Http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;

        // A 4 MiB message should not stall on the 768 KiB default stream window.
        limits.Http2.InitialStreamWindowSize = 4 * 1024 * 1024;
        limits.Http2.InitialConnectionWindowSize = 8 * 1024 * 1024;

        ListenOptions? endpoint = null;
        kestrel.Listen(options.ParsedBindAddress, options.Port, listen =>
        {
            endpoint = listen;
            listen.Protocols = HttpProtocols.Http2;
            if (certificates is not null)
            {
                var clientCa = string.IsNullOrWhiteSpace(options.Tls.ClientCaFile) ? null : TlsClientTrust.LoadBundle(options.Tls.ClientCaFile);
                listen.UseHttps(TlsHandshake.ServerOptions(certificates, [SslApplicationProtocol.Http2], clientCa));
            }
            options.ConfigureEndpoint?.Invoke(listen);
        });
        return endpoint!;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "gRPC ({Transport}) serving on {BindAddress}:{Port}: {Services}; max message {MaxMessageBytes} bytes, at most {MaxConnections} connections, idle ones closed after {IdleTimeout}")]
    private static partial void LogStarted(ILogger logger, string transport, string bindAddress, int port, string services, int maxMessageBytes, long maxConnections, TimeSpan idleTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "gRPC server on port {Port} stopping")]
    private static partial void LogStopping(ILogger logger, int port);
}
