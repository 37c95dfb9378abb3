using System.Text.RegularExpressions;
using CkptFS.Client;
using CkptFS.Protocol.V1;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Security;

/// <summary>
/// A NameNode and DataNodes as processes on fixed ports (so a member killed -9 and started again on
/// its folder is at the same address, and the locations a reader holds still point at it), sharing
/// one set of CKPTFS_* settings. Dispose kills every process it started, by PID, and deletes the folder.
/// </summary>
internal sealed partial class FixedPortCluster : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _data = new("ckptfs-fixed");
    private readonly Dictionary<string, string> _settings;
    private readonly int _nameNodePort = FreePorts.Next();
    private readonly List<int> _dataNodePorts = [];
    private readonly List<ChildProcess?> _dataNodes = [];
    private readonly List<NameNodeProcess> _nameNodes = [];

    private FixedPortCluster(IDictionary<string, string>? settings) => _settings = new Dictionary<string, string>(settings ?? new Dictionary<string, string>());

    public string Address => $"127.0.0.1:{_nameNodePort}";

    /// <summary>The NameNode running now (the last one started).</summary>
    public NameNodeProcess NameNode => _nameNodes[^1];

    public static async Task<FixedPortCluster> StartAsync(int dataNodes, IDictionary<string, string>? settings = null)
    {
        var cluster = new FixedPortCluster(settings);
        try
        {
            await cluster.StartNameNodeAsync();
            for (var i = 0; i < dataNodes; i++)
            {
                cluster._dataNodePorts.Add(FreePorts.Next());
                cluster._dataNodes.Add(null);
                await cluster.StartDataNodeAsync(i);
            }
            await cluster.WaitForLiveDataNodesAsync(dataNodes);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>kill -9 of the NameNode, then a new one on the same metadata folder and port.</summary>
    public async Task RestartNameNodeAsync()
    {
        NameNode.Kill();
        await NameNode.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await StartNameNodeAsync();
    }

    /// <summary>kill -9 of DataNode <paramref name="index"/>, then a new one on its folder and ports.</summary>
    public async Task RestartDataNodeAsync(int index)
    {
        var node = _dataNodes[index]!;
        node.Kill();
        await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        node.Dispose();
        await StartDataNodeAsync(index);
    }

    /// <summary>The block key id a NameNode process logged at start, and whether it was loaded or new.</summary>
    public static (uint KeyId, string Source) BlockKeysLogged(NameNodeProcess nameNode)
    {
        var match = BlockKeysLine().Match(nameNode.Process.Stderr);
        Assert.True(match.Success, $"No block keys line in the NameNode's log:\n{nameNode.Process.Stderr}");
        return (uint.Parse(match.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["source"].Value);
    }

    public async Task WaitForLiveDataNodesAsync(int expected)
    {
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = Address });
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var report = await client.GetDatanodeReportAsync().WaitAsync(Timeout);
            if (report.Datanodes.Count(d => d.State == DatanodeState.Live) >= expected && !report.SafeMode)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{expected} live DataNodes not reached:\n{NameNode.Process.Stderr}");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        foreach (var node in _dataNodes)
        {
            node?.Dispose();
        }
        foreach (var nameNode in _nameNodes)
        {
            nameNode.Dispose();
        }
        _data.Dispose();
    }

    private async Task StartNameNodeAsync() =>
        _nameNodes.Add(await NameNodeProcess.StartOnPortAsync(_data.Combine("namenode"), _nameNodePort, new Dictionary<string, string>(_settings)));

    private async Task StartDataNodeAsync(int index)
    {
        var node = ChildProcess.Start(RepoPaths.Launcher,
            ["datanode", "--namenode", Address, "--data", _data.Combine($"dn{index}"), "--port", _dataNodePorts[index].ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--http-port", "0", "--id", $"dn{index}"], new Dictionary<string, string>(_settings));
        _dataNodes[index] = node;
        await node.WaitForLineAsync(new Regex("DataNode listening"), Timeout);
    }

    [GeneratedRegex(@"Block keys \((?<source>new|loaded), durable\): key (?<id>\d+) signs")]
    private static partial Regex BlockKeysLine();
}
