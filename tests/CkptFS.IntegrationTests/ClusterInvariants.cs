using System.Text.Json;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>
/// The checks every fault test ends with (issue 4): every closed file reads back byte-identical;
/// replica counts converge to the target; no lease outlives its hard limit (no file left open);
/// no finalized replica holds bytes that fail its checksums.
/// </summary>
internal static class ClusterInvariants
{
    /// <summary>
    /// Waits (bounded) until fsck below <paramref name="path"/> says healthy with every block at its
    /// replication and no open file, then checks every DataNode's finalized replicas on disk.
    /// </summary>
    public static async Task AssertConvergedAsync(LocalClusterProcesses cluster, string path, TimeSpan timeout)
    {
        await ClusterChecks.WaitUntilAsync(cluster, async () =>
        {
            var fsck = await cluster.CliAsync("fsck", "--json", path);
            if (fsck.ExitCode is not (0 or 1) || fsck.Stdout.Length == 0)
            {
                return false;
            }
            using var json = JsonDocument.Parse(fsck.Stdout);
            var root = json.RootElement;
            return root.GetProperty("healthy").GetBoolean() && root.GetProperty("openFiles").GetInt64() == 0
                && root.GetProperty("healthyBlocks").GetInt64() == root.GetProperty("blocks").GetInt64();
        }, $"fsck below {path} healthy, every block at its replication, no open file", timeout);
        AssertFinalizedReplicasVerify(cluster);
    }

    /// <summary>No finalized replica on any DataNode of the cluster fails its checksums.</summary>
    public static void AssertFinalizedReplicasVerify(LocalClusterProcesses cluster)
    {
        var bad = cluster.State().GetProperty("dataNodes").EnumerateArray()
            .SelectMany(n => ReplicaFiles.FindBadFinalized(n.GetProperty("dataDirectory").GetString()!))
            .ToList();
        Assert.True(bad.Count == 0, $"Finalized replicas that fail their checksums:\n{string.Join('\n', bad)}");
    }

    /// <summary>
    /// The closed file at <paramref name="path"/> holds <see cref="PatternData"/> of <paramref name="seed"/>,
    /// between <paramref name="minLength"/> and <paramref name="maxLength"/> bytes; returns its length.
    /// </summary>
    public static async Task<long> AssertPatternFileAsync(LocalClusterProcesses cluster, string path, int seed, long minLength, long maxLength, TempDirectory local)
    {
        using (var stat = JsonDocument.Parse((await cluster.CliAsync("stat", "--json", path)).EnsureSuccess().Stdout))
        {
            Assert.False(stat.RootElement.GetProperty("underConstruction").GetBoolean(), $"{path} is still open for write");
        }
        var copy = local.Combine($"readback-{Guid.NewGuid():N}");
        (await cluster.CliAsync("get", path, copy)).EnsureSuccess();
        var bytes = await File.ReadAllBytesAsync(copy);
        File.Delete(copy);
        Assert.InRange(bytes.LongLength, minLength, maxLength);
        var mismatch = PatternData.FirstMismatch(seed, 0, bytes);
        Assert.True(mismatch < 0, $"{path}: byte {mismatch} of {bytes.Length} differs from what was written");
        return bytes.LongLength;
    }
}
