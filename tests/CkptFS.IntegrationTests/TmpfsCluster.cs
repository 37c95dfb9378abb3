using System.Text.Json;
using System.Text.RegularExpressions;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>
/// A NameNode and DataNodes as real processes, each DataNode on its own tmpfs of a fixed size (a real
/// disk that fills: ENOSPC from the kernel). Dispose stops the processes (by PID) before it unmounts.
/// </summary>
public sealed partial class TmpfsCluster : IDisposable
{
    private readonly TempDirectory _directory = new("ckptfs-tmpfs-cluster");
    private readonly List<TmpfsMount> _mounts = [];
    private readonly List<ChildProcess> _dataNodes = [];
    private NameNodeProcess? _nameNode;

    private TmpfsCluster()
    {
    }

    public string Address => _nameNode!.Address;

    public IReadOnlyList<TmpfsMount> Mounts => _mounts;

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = Address };

    /// <summary>Starts a NameNode and one DataNode (ids dn0, dn1...) per tmpfs size, and waits until all of them are live.</summary>
    public static async Task<TmpfsCluster> StartAsync(IReadOnlyList<int> dataNodeSizesKiB, TimeSpan timeout)
    {
        var cluster = new TmpfsCluster();
        try
        {
            cluster._nameNode = await NameNodeProcess.StartAsync(cluster._directory.Combine("namenode"));
            for (var i = 0; i < dataNodeSizesKiB.Count; i++)
            {
                var mount = TmpfsMount.Create(dataNodeSizesKiB[i]);
                cluster._mounts.Add(mount);
                var dataNode = ChildProcess.Start(RepoPaths.Launcher,
                    ["datanode", "--namenode", cluster.Address, "--data", mount.Path, "--port", "0", "--http-port", "0", "--id", $"dn{i}"]);
                cluster._dataNodes.Add(dataNode);
                await dataNode.WaitForLineAsync(ListeningLine(), timeout);
            }

            await cluster.WaitUntilAsync(async () => await cluster.LiveDataNodesAsync() == dataNodeSizesKiB.Count, $"{dataNodeSizesKiB.Count} live DataNodes", timeout);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    public Task<CliResult> CliAsync(params string[] arguments) => CliRun.RunAsync(arguments, new Dictionary<string, string>(Environment), TimeSpan.FromSeconds(120));

    public async Task<int> LiveDataNodesAsync()
    {
        using var report = JsonDocument.Parse((await CliAsync("report", "--json")).EnsureSuccess().Stdout);
        return report.RootElement.GetProperty("datanodes").EnumerateArray().Count(n => n.GetProperty("state").GetString() == "live");
    }

    /// <summary>The remaining bytes of each live DataNode, as the NameNode has them from its last heartbeat.</summary>
    public async Task<IReadOnlyList<long>> RemainingBytesAsync()
    {
        using var report = JsonDocument.Parse((await CliAsync("report", "--json")).EnsureSuccess().Stdout);
        return [.. report.RootElement.GetProperty("datanodes").EnumerateArray()
            .Where(n => n.GetProperty("state").GetString() == "live")
            .Select(n => n.GetProperty("remainingBytes").GetInt64())];
    }

    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not reached within {timeout.TotalSeconds:0} s: {what}.\n{Logs()}");
            await Task.Delay(250);
        }
    }

    /// <summary>The last lines each process printed, for failure messages.</summary>
    public string Logs() => string.Join("\n", new[] { _nameNode?.Process }.Concat(_dataNodes).OfType<ChildProcess>()
        .Select((p, i) => $"--- {(i == 0 ? "namenode" : $"dn{i - 1}")} (pid {p.Pid})\n{string.Join('\n', p.Stdout.Split('\n').TakeLast(20))}\n{string.Join('\n', p.Stderr.Split('\n').TakeLast(20))}"));

    public void Dispose()
    {
        // Processes first (Dispose is a kill -9 by PID that waits for the exit): a tmpfs with open files cannot be unmounted.
        foreach (var dataNode in _dataNodes)
        {
            dataNode.Dispose();
        }

        _nameNode?.Dispose();

        var failures = new List<Exception>();
        foreach (var mount in _mounts)
        {
            try
            {
                mount.Dispose();
            }
            catch (InvalidOperationException exception)
            {
                failures.Add(exception);
            }
        }

        _directory.Dispose();
        if (failures.Count > 0)
        {
            throw new AggregateException("Some tmpfs mounts could not be removed", failures);
        }
    }

    [GeneratedRegex("DataNode listening")]
    private static partial Regex ListeningLine();
}
