using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>One NameNode process (no DataNodes) shared by a test class, with its data folder removed at the end.</summary>
public sealed class NameNodeFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("ckptfs-nn-fixture");

    public NameNodeProcess NameNode { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        try
        {
            NameNode = await NameNodeProcess.StartAsync(_data.Path);
        }
        catch
        {
            _data.Dispose();   // xUnit does not dispose a fixture whose start failed: the folder would stay in /tmp
            throw;
        }
    }

    public Task DisposeAsync()
    {
        NameNode?.Dispose();
        _data.Dispose();
        return Task.CompletedTask;
    }
}
