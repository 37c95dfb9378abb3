using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Security;

/// <summary>One `cluster start --tls` (a NameNode and 3 DataNodes as processes), shared by the TLS cluster tests.</summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    private LocalClusterProcesses? _cluster;

    public LocalClusterProcesses Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _cluster = await LocalClusterProcesses.StartAsync(dataNodes: 3, tls: true);

    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }
}
