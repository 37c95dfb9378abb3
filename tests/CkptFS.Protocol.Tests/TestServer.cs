using CkptFS.Protocol.Rpc;
using CkptFS.Protocol.Testing.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace CkptFS.Protocol.Tests;

/// <summary>An RpcServerHost with the interop service on a free loopback port, and a client of it through CkptFS's channel.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private TestServer(RpcServerHost host, InteropTestService service, CollectingLoggerProvider logs)
    {
        Host = host;
        Service = service;
        Logs = logs;
        Channel = RpcChannel.ForAddress(host.Address);
        Client = new InteropTest.InteropTestClient(RpcChannel.Invoker(Channel));
    }

    public RpcServerHost Host { get; }

    public InteropTestService Service { get; }

    public GrpcChannel Channel { get; }

    public InteropTest.InteropTestClient Client { get; }

    public CollectingLoggerProvider Logs { get; }

    public static async Task<TestServer> StartAsync(RpcServerOptions? options = null)
    {
        var logs = new CollectingLoggerProvider();
        var loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        var service = new InteropTestService();
        var services = new RpcServices().Add(service, InteropTest.Descriptor.FullName);
        var host = await RpcServerHost.StartAsync(options ?? new RpcServerOptions(), services, loggerFactory, CancellationToken.None).WaitAsync(Timeout);
        return new TestServer(host, service, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Host.DisposeAsync().AsTask().WaitAsync(Timeout);
    }
}
