using CkptFS.Protocol.Grpc;
using Microsoft.Extensions.Logging;

namespace CkptFS.Protocol.Tests;

/// <summary>A GrpcServerHost with the interop service on a free loopback port, and a channel to it.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private TestServer(GrpcServerHost host, CollectingLoggerProvider logs)
    {
        Host = host;
        Logs = logs;
        Channel = GrpcChannel.ForAddress(host.GrpcAddress);
    }

    public GrpcServerHost Host { get; }

    public GrpcChannel Channel { get; }

    public CollectingLoggerProvider Logs { get; }

    public static async Task<TestServer> StartAsync(GrpcServerOptions? options = null, GrpcServiceRegistry? registry = null)
    {
        var logs = new CollectingLoggerProvider();
        var loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        var host = await GrpcServerHost.StartAsync(
            options ?? new GrpcServerOptions(), registry ?? InteropTestService.CreateRegistry(), loggerFactory, CancellationToken.None).WaitAsync(Timeout);
        return new TestServer(host, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Host.DisposeAsync().AsTask().WaitAsync(Timeout);
    }
}
