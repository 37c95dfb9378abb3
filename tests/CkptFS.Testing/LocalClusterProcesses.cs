using System.Text.Json;
using System.Text.RegularExpressions;

namespace CkptFS.Testing;

/// <summary>
/// A real local cluster (`./ckptfs cluster start`): a NameNode and N DataNodes as processes on
/// 127.0.0.1, with their data under a temp folder. Dispose stops every process (by PID, via
/// `cluster stop`, then SIGKILL of any survivor) and deletes the folder.
/// </summary>
public sealed partial class LocalClusterProcesses : IDisposable
{
    private readonly TempDirectory _directory;

    private LocalClusterProcesses(TempDirectory directory, string address, bool tls)
    {
        _directory = directory;
        Address = address;
        var environment = new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = address };
        if (tls)
        {
            TlsCaFile = System.IO.Path.Combine(directory.Path, "tls", "ca.pem");
            environment["CKPTFS_TLS_CA"] = TlsCaFile;
        }
        Environment = environment;
    }

    public string Address { get; }

    public string Directory => _directory.Path;

    /// <summary>The CA bundle of a cluster started with TLS (DIR/tls/ca.pem); null for cleartext.</summary>
    public string? TlsCaFile { get; }

    /// <summary>Environment for CLI runs against this cluster (CKPTFS_NAMENODE, and CKPTFS_TLS_CA with TLS).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>
    /// Starts the cluster; <paramref name="settings"/> (CKPTFS_* variables) reach every process it starts.
    /// With <paramref name="tls"/>, `cluster start --tls`: certificates in DIR/tls, TLS on the NameNode's gRPC port.
    /// </summary>
    public static async Task<LocalClusterProcesses> StartAsync(int dataNodes = 3, IDictionary<string, string>? settings = null, bool tls = false)
    {
        var directory = new TempDirectory("ckptfs-cluster");
        try
        {
            string[] arguments = ["cluster", "start", "--dir", directory.Path, "--datanodes", dataNodes.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            var result = await CliRun.RunAsync(tls ? [.. arguments, "--tls"] : arguments, settings, timeout: TimeSpan.FromSeconds(240));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"cluster start failed ({result.ExitCode}):\n{result.Stdout}\n{result.Stderr}\n{Logs(directory.Path)}");
            }
            return new LocalClusterProcesses(directory, NameNodeLine().Match(result.Stdout).Groups["address"].Value, tls);
        }
        catch
        {
            await CliRun.RunAsync(["cluster", "stop", "--dir", directory.Path]);
            directory.Dispose();
            throw;
        }
    }

    /// <summary>The cluster secret `cluster start` generated (its DataNodes prove it to the NameNode).</summary>
    public string SecretFile => System.IO.Path.Combine(Directory, "cluster-secret");

    /// <summary>
    /// Settings for a DataNode a test starts by hand against this cluster: the cluster secret (without
    /// it the NameNode refuses the node) plus <paramref name="extra"/>.
    /// </summary>
    public Dictionary<string, string> DataNodeSettings(IDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>(extra ?? new Dictionary<string, string>())
        {
            ["CKPTFS_DATANODE__SECURITY__CLUSTERSECRETFILE"] = SecretFile,
        };
        return settings;
    }

    public Task<CliResult> CliAsync(params string[] arguments) => CliRun.RunAsync(arguments, new Dictionary<string, string>(Environment));

    /// <summary>The PIDs and folders `cluster start` recorded.</summary>
    public JsonElement State() => JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(Directory, "cluster.json"))).RootElement;

    public int NameNodePid => State().GetProperty("nameNode").GetProperty("pid").GetInt32();

    public string DataNodeDirectory(string nodeId) => System.IO.Path.Combine(Directory, nodeId);

    /// <summary>kill -9 of one DataNode (by its id, as `cluster start` named it: dn0, dn1...), waiting until it is gone.</summary>
    public async Task KillDataNodeAsync(string nodeId)
    {
        var node = State().GetProperty("dataNodes").EnumerateArray().Single(n => n.GetProperty("name").GetString() == nodeId);
        using var process = System.Diagnostics.Process.GetProcessById(node.GetProperty("pid").GetInt32());
        process.Kill();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Every log of the cluster, for failure messages.</summary>
    public string Logs() => Logs(Directory);

    public void Dispose()
    {
        try
        {
            CliRun.RunAsync(["cluster", "stop", "--dir", Directory]).Wait(TimeSpan.FromSeconds(60));
        }
        finally
        {
            KillSurvivors();
            _directory.Dispose();
        }
    }

    private void KillSurvivors()
    {
        var path = System.IO.Path.Combine(Directory, "cluster.json");
        if (!File.Exists(path))
        {
            return;
        }
        var state = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        var pids = new[] { state.GetProperty("nameNode") }.Concat(state.GetProperty("dataNodes").EnumerateArray()).Select(p => p.GetProperty("pid").GetInt32());
        foreach (var pid in pids)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private static string Logs(string directory)
    {
        var logs = System.IO.Path.Combine(directory, "logs");
        return !System.IO.Directory.Exists(logs)
            ? string.Empty
            : string.Join("\n", System.IO.Directory.GetFiles(logs).Select(f => $"--- {f}\n{string.Join('\n', File.ReadLines(f).TakeLast(30))}"));
    }

    [GeneratedRegex(@"^NameNode (?<address>\S+)", RegexOptions.Multiline)]
    private static partial Regex NameNodeLine();
}
