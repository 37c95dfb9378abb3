using System.Text.Json;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>What several integration tests ask a running cluster, through the CLI as a user would, with bounded waits.</summary>
internal static class ClusterChecks
{
    /// <summary>One block of a file: its id, genstamp and the DataNodes (ids) holding it, as `stat --json` shows them.</summary>
    public sealed record BlockNodes(ulong Id, ulong GenerationStamp, List<string> Nodes);

    public static async Task<List<BlockNodes>> BlocksAsync(LocalClusterProcesses cluster, string path)
    {
        using var stat = JsonDocument.Parse((await cluster.CliAsync("stat", "--json", path)).EnsureSuccess().Stdout);
        return stat.RootElement.GetProperty("blocks").EnumerateArray()
            .Select(b => new BlockNodes(b.GetProperty("blockId").GetUInt64(), b.GetProperty("generationStamp").GetUInt64(),
                b.GetProperty("locations").EnumerateArray().Select(l => l.GetProperty("uuid").GetString()!).ToList()))
            .ToList();
    }

    /// <summary>Polls <paramref name="condition"/> every 250 ms; fails with <paramref name="what"/> and the cluster's logs when it does not hold in time (90 s by default).</summary>
    public static async Task WaitUntilAsync(LocalClusterProcesses cluster, Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(90);
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not reached within {limit.TotalSeconds:0} s: {what}.\n{cluster.Logs()}");
            await Task.Delay(250);
        }
    }
}
