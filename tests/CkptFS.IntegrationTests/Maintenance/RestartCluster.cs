using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using CkptFS.Client;
using CkptFS.Protocol.V1;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Maintenance;

/// <summary>
/// A NameNode on a fixed port and DataNodes dn0..dnN-1 as real processes, each restartable on its own
/// folder and identity, as Kubernetes restarts pods: stop by SIGTERM (by PID), wait for the exit,
/// start again. Every wait is bounded; <see cref="Dispose"/> kills what still runs and removes the folders.
/// </summary>
internal sealed partial class RestartCluster : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(240);

    private const int Sigterm = 15;
    private readonly TempDirectory _data = new("ckptfs-maint");
    private readonly Dictionary<int, (ChildProcess Process, string Http)> _dataNodes = [];
    private readonly List<ChildProcess> _stopped = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private RestartCluster(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public NameNodeProcess NameNode { get; private set; } = null!;

    public string Address => NameNode.Address;

    public static async Task<RestartCluster> StartAsync(int dataNodes)
    {
        var cluster = new RestartCluster(FreePorts.Next());
        try
        {
            await cluster.StartNameNodeAsync();
            for (var i = 0; i < dataNodes; i++)
            {
                await cluster.StartDataNodeAsync(i);
            }
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>No process yet: the NameNode's port is chosen, <see cref="StartNameNodeAsync"/> starts it.</summary>
    public static RestartCluster WithoutProcesses() => new(FreePorts.Next());

    /// <summary>The NameNode's RPC address, whether it runs or not.</summary>
    public string PlannedAddress => $"127.0.0.1:{Port}";

    public async Task StartNameNodeAsync() => NameNode = await NameNodeProcess.StartOnPortAsync(_data.Combine("namenode"), Port);

    /// <summary>SIGTERM to the NameNode; returns its exit code and how long it took to exit.</summary>
    public async Task<(int ExitCode, TimeSpan Took)> StopNameNodeAsync(TimeSpan bound)
    {
        var stopwatch = Stopwatch.StartNew();
        NameNode.Process.Signal(Sigterm);
        var code = await NameNode.Process.WaitForExitAsync(bound);
        _stopped.Add(NameNode.Process);
        return (code, stopwatch.Elapsed);
    }

    /// <summary>Starts dn<paramref name="index"/> on its folder (its identity is kept there) and returns its HTTP address.</summary>
    public async Task<string> StartDataNodeAsync(int index, string? nameNodeAddress = null)
    {
        var process = ChildProcess.Start(RepoPaths.Launcher,
            ["datanode", "--namenode", nameNodeAddress ?? Address, "--data", _data.Combine($"dn{index}"), "--port", "0", "--http-port", "0", "--id", $"dn{index}"]);
        try
        {
            var line = await process.WaitForLineAsync(ListeningLine(), Timeout);
            _dataNodes[index] = (process, line.Groups["http"].Value);
            return line.Groups["http"].Value;
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    public ChildProcess DataNode(int index) => _dataNodes[index].Process;

    /// <summary>SIGTERM to dn<paramref name="index"/>; returns its exit code and how long it took to exit.</summary>
    public async Task<(int ExitCode, TimeSpan Took)> StopDataNodeAsync(int index, TimeSpan bound)
    {
        var process = _dataNodes[index].Process;
        var stopwatch = Stopwatch.StartNew();
        process.Signal(Sigterm);
        var code = await process.WaitForExitAsync(bound);
        _stopped.Add(process);
        _dataNodes.Remove(index);
        return (code, stopwatch.Elapsed);
    }

    /// <summary>GET /readyz of dn<paramref name="index"/>: the status code and the body.</summary>
    public Task<(HttpStatusCode Status, string Body)> ReadyzAsync(int index) => ReadyzAsync(_dataNodes[index].Http);

    public async Task<(HttpStatusCode Status, string Body)> ReadyzAsync(string httpAddress)
    {
        using var response = await _http.GetAsync(new Uri($"http://{httpAddress}/readyz"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls /readyz of dn<paramref name="index"/> until 200; returns how long it took.</summary>
    public async Task<TimeSpan> WaitReadyAsync(int index)
    {
        var stopwatch = Stopwatch.StartNew();
        while ((await ReadyzAsync(index)).Status != HttpStatusCode.OK)
        {
            if (stopwatch.Elapsed > Timeout)
            {
                throw new TimeoutException($"dn{index} not ready within {Timeout}: {(await ReadyzAsync(index)).Body}");
            }
            await Task.Delay(50);
        }
        return stopwatch.Elapsed;
    }

    /// <summary>Polls the NameNode's report until <paramref name="done"/> holds.</summary>
    public static async Task<GetDatanodeReportResponse> WaitReportAsync(CkptFsClient client, Func<GetDatanodeReportResponse, bool> done, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var report = await client.GetDatanodeReportAsync().WaitAsync(Timeout);
            if (done(report))
            {
                return report;
            }
            Assert.True(stopwatch.Elapsed < Timeout, $"Not reached within {Timeout}: {what}. Last report: {report}");
            await Task.Delay(100);
        }
    }

    public static DatanodeState StateOf(GetDatanodeReportResponse report, int index) =>
        report.Datanodes.Single(d => d.Id.DatanodeUuid == $"dn{index}").State;

    /// <summary>The NameNode's count of re-replication transfers scheduled since it started.</summary>
    public async Task<double> TransfersScheduledAsync() =>
        (await PrometheusScrape.GetAsync(NameNode.HttpAddress)).Value("ckptfs_namenode_replication_transfers_scheduled_total");

    /// <summary>Asserts that the NameNode scheduled no re-replication; else fails with its log lines about replicas and DataNodes.</summary>
    public async Task AssertNothingCopiedAsync()
    {
        var scheduled = await TransfersScheduledAsync();
        Assert.True(scheduled == 0, $"{scheduled} re-replication transfers scheduled. NameNode log:\n" +
            string.Join('\n', NameNode.Process.Stderr.Split('\n').Where(l => l.Contains("Replicat", StringComparison.Ordinal) || l.Contains("DataNode", StringComparison.Ordinal)
                || l.Contains("blk", StringComparison.OrdinalIgnoreCase) || l.Contains("Block", StringComparison.Ordinal))));
    }

    public void Dispose()
    {
        foreach (var (process, _) in _dataNodes.Values)
        {
            process.Dispose();
        }
        foreach (var process in _stopped)
        {
            process.Dispose();
        }
        NameNode?.Dispose();
        _http.Dispose();
        _data.Dispose();
    }

    [GeneratedRegex(@"DataNode listening: transfer=\S+ http=(?<http>\S+) id=")]
    private static partial Regex ListeningLine();
}
