using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Checkpoints;

/// <summary>
/// A NameNode killed (-9, CKPTFS_FAULTS) just before and just after a checkpoint's commit
/// transaction: after a restart the checkpoint is fully visible or not at all. The shards are empty
/// files, so no DataNode is needed: what is under test is the metadata transaction.
/// </summary>
public sealed class CheckpointCrashTests : IDisposable
{
    private readonly TempDirectory _work = new("ckptfs-ckpt-crash");

    public void Dispose() => _work.Dispose();

    [Theory]
    [InlineData("NameNodeBeforeCheckpointCommit", false)]
    [InlineData("NameNodeAfterCheckpointCommit", true)]
    public async Task ANameNodeKilledAroundTheCommitShowsTheCheckpointWholeOrNotAtAll(string point, bool visible)
    {
        var data = _work.Combine("nn");
        var shards = _work.Combine("shards");
        Directory.CreateDirectory(Path.Combine(shards, "sub"));
        foreach (var name in new[] { "a.bin", "b.bin", "sub/c.bin" })
        {
            File.WriteAllBytes(Path.Combine(shards, name), []);
        }
        // skip=1: the first commit (step 1) goes through, the second (step 2) is the one killed.
        var faults = new Dictionary<string, string> { ["CKPTFS_FAULTS"] = $"{point}=crash:skip=1" };
        using (var nameNode = await NameNodeProcess.StartAsync(data, faults))
        {
            // No waiting for the NameNode: the crash is the end of this one (the restart is on another port).
            var env = new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = nameNode.Address, ["CKPTFS_NAMENODE_WAIT"] = "0" };
            (await CliRun.RunAsync(["ckpt", "save", "/job", "1", shards, "-q"], env)).EnsureSuccess();
            var killed = await CliRun.RunAsync(["ckpt", "save", "/job", "2", shards, "-q"], env);
            Assert.NotEqual(0, killed.ExitCode);
            await nameNode.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.Contains($"injected crash at {point}", nameNode.Process.Stderr, StringComparison.Ordinal);
        }

        using var restarted = await NameNodeProcess.StartAsync(data);
        var cli = new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = restarted.Address };
        var latest = (await CliRun.RunAsync(["ckpt", "latest", "/job"], cli)).EnsureSuccess().Stdout.Trim();
        var tree = (await CliRun.RunAsync(["ls", "-R", "/job"], cli)).EnsureSuccess().Stdout;
        var show = await CliRun.RunAsync(["ckpt", "show", "/job", "2"], cli);
        if (visible)
        {
            Assert.Equal("2 /job/step-00000002", latest);
            foreach (var shard in new[] { "a.bin", "b.bin", "sub/c.bin" })
            {
                Assert.Contains($" /job/step-00000002/{shard}", tree, StringComparison.Ordinal);
            }
            Assert.DoesNotContain("/job/.pending", tree, StringComparison.Ordinal);
            Assert.Contains("sub/c.bin", show.EnsureSuccess().Stdout, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("1 /job/step-00000001", latest);
            Assert.DoesNotContain("/job/step-00000002", tree, StringComparison.Ordinal);
            foreach (var shard in new[] { "a.bin", "b.bin", "sub/c.bin" })
            {
                Assert.Contains($" /job/.pending/step-00000002/{shard}", tree, StringComparison.Ordinal);
            }
            Assert.Equal(1, show.ExitCode);
            Assert.Contains("no committed checkpoint at step 2", show.Stderr, StringComparison.Ordinal);
        }
    }
}
