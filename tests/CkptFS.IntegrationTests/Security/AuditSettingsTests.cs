using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Security;

/// <summary>The audit log's settings on a real NameNode process: another path, or off.</summary>
public sealed class AuditSettingsTests : IDisposable
{
    private readonly TempDirectory _folder = new("ckptfs-audit-settings");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task TheAuditLogGoesWhereItIsToldOrNowhereWhenOff()
    {
        var data = _folder.Combine("nn");
        var elsewhere = _folder.Combine("logs", "nn-audit.jsonl");
        using (var nameNode = await NameNodeProcess.StartAsync(data, new Dictionary<string, string> { ["CKPTFS_NAMENODE__AUDIT__PATH"] = elsewhere }))
        {
            (await CliRun.RunAsync(["mkdir", "/moved"], new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = nameNode.Address })).EnsureSuccess();
            await WaitForAsync(() => File.Exists(elsewhere) && ReadShared(elsewhere).Contains("\"src\":\"/moved\"", StringComparison.Ordinal));
        }
        Assert.False(File.Exists(Path.Combine(data, "audit.log")));

        var quiet = _folder.Combine("nn-quiet");
        using (var nameNode = await NameNodeProcess.StartAsync(quiet, new Dictionary<string, string> { ["CKPTFS_NAMENODE__AUDIT__ENABLED"] = "false" }))
        {
            (await CliRun.RunAsync(["mkdir", "/quiet"], new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = nameNode.Address })).EnsureSuccess();
        }
        Assert.False(File.Exists(Path.Combine(quiet, "audit.log")));
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The audit line did not appear within 15 s.");
            await Task.Delay(100);
        }
    }
}
