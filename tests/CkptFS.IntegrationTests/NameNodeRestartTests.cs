using System.Collections.Concurrent;
using CkptFS.Client;
using CkptFS.Common;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>The namespace on a real NameNode process survives kill -9 exactly as acknowledged.</summary>
public class NameNodeRestartTests : IDisposable
{
    private readonly TempDirectory _data = new("ckptfs-nn");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task NamespaceIsIdenticalAfterKillDash9AndRestart()
    {
        string before;
        using (var nameNode = await NameNodeProcess.StartAsync(_data.Path))
        {
            var env = new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = nameNode.Address };
            async Task Cli(params string[] args) => (await CliRun.RunAsync(args, env)).EnsureSuccess();
            await Cli("mkdir", "-p", "/jobs/llama/step-100", "/jobs/llama/step-200", "/scratch/tmp");
            await Cli("touch", "/jobs/llama/step-100/shard-0", "/jobs/llama/step-100/shard-1", "/scratch/tmp/x");
            await Cli("mv", "/jobs/llama/step-200", "/jobs/llama/step-300");
            await Cli("mv", "/scratch/tmp/x", "/jobs/llama");
            await Cli("rm", "-r", "/scratch");
            using (var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = nameNode.Address }))
            {
                await client.MkdirsAsync("/unicode/ünï/名前", createParents: true);
                await client.CreateEmptyFileAsync("/unicode/ünï/名前/f");
            }
            before = (await CliRun.RunAsync(["ls", "-R", "--json", "/"], env)).EnsureSuccess().Stdout;
            nameNode.Kill();
        }
        Assert.Contains("/jobs/llama/step-300", before, StringComparison.Ordinal);
        Assert.Contains("/jobs/llama/x", before, StringComparison.Ordinal);
        Assert.DoesNotContain("/scratch", before, StringComparison.Ordinal);

        using var restarted = await NameNodeProcess.StartAsync(_data.Path);
        var after = (await CliRun.RunAsync(["ls", "-R", "--json", "/", "--namenode", restarted.Address])).EnsureSuccess().Stdout;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task EveryAcknowledgedMutationSurvivesKillDash9UnderLoad()
    {
        var acknowledged = new ConcurrentBag<string>();
        using (var nameNode = await NameNodeProcess.StartAsync(_data.Path))
        {
            using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = nameNode.Address, NameNodeWait = TimeSpan.Zero });
            await client.MkdirsAsync("/load");
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
            {
                for (var i = 0; i < 100_000 && !stop.IsCancellationRequested; i++)
                {
                    var path = $"/load/w{writer}-{i}";
                    try
                    {
                        await client.MkdirsAsync(path);
                        acknowledged.Add(path);
                    }
                    catch (CkptFsException)
                    {
                        return; // the NameNode died under us: unacknowledged, may or may not exist
                    }
                }
            })).ToArray();
            await WaitUntilAsync(() => acknowledged.Count >= 2000, TimeSpan.FromSeconds(60));
            nameNode.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        }

        using var restarted = await NameNodeProcess.StartAsync(_data.Path);
        using var check = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = restarted.Address });
        var present = new HashSet<string>();
        await foreach (var entry in check.ListAsync("/load"))
        {
            present.Add(entry.Path);
        }
        var lost = acknowledged.Where(path => !present.Contains(path)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged mkdirs lost, e.g. {string.Join(", ", lost.Take(5))}");
        Assert.True(present.Count >= acknowledged.Count);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met within {timeout.TotalSeconds} s.");
            }
            await Task.Delay(20);
        }
    }
}
