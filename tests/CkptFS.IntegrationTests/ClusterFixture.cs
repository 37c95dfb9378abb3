using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>One local cluster (NameNode + 3 DataNodes as processes) shared by a test class.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public LocalClusterProcesses Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await LocalClusterProcesses.StartAsync(3);

    public Task DisposeAsync()
    {
        Cluster.Dispose();
        return Task.CompletedTask;
    }
}
