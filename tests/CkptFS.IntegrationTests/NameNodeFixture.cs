using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>One NameNode process (no DataNodes) shared by a test class, with its data folder removed at the end.</summary>
public sealed class NameNodeFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("ckptfs-nn-fixture");

    public NameNodeProcess NameNode { get; private set; } = null!;

    public async Task InitializeAsync() => NameNode = await NameNodeProcess.StartAsync(_data.Path);

    public Task DisposeAsync()
    {
        NameNode.Dispose();
        _data.Dispose();
        return Task.CompletedTask;
    }
}
