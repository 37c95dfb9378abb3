using System.Text.Json;
using System.Text.Json.Serialization;

namespace CkptFS.Cli.Cluster;

/// <summary>
/// What `cluster start` left running, kept in DIR/cluster.json for `status` and `stop`;
/// <see cref="TlsCaFile"/> is the CA bundle its clients need when it was started with --tls.
/// </summary>
public sealed record ClusterState(
    ClusterProcess NameNode,
    IReadOnlyList<ClusterProcess> DataNodes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TlsCaFile = null)
{
    public const string FileName = "cluster.json";

    public static ClusterState? Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), ClusterStateJson.Default.ClusterState) : null;
    }

    public void Save(string directory) => File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, ClusterStateJson.Default.ClusterState));

    public static void Delete(string directory) => File.Delete(Path.Combine(directory, FileName));

    /// <summary>The superuser token the NameNode wrote when it authenticates (Authentication:Mode=token); null when it does not.</summary>
    public string? AdminTokenFile() => File.Exists(Path.Combine(NameNode.DataDirectory, "admin.token")) ? Path.Combine(NameNode.DataDirectory, "admin.token") : null;

    /// <summary>Client options for the cluster's own calls (start's wait, status): its NameNode, its CA when TLS, the admin token when there is one.</summary>
    public Client.CkptFsClientOptions ClientOptions(TimeSpan? nameNodeWait = null)
    {
        var options = new Client.CkptFsClientOptions { NameNodeAddress = NameNode.Address, TlsCaFile = TlsCaFile };
        if (nameNodeWait is { } wait)
        {
            options.NameNodeWait = wait;
        }
        if (AdminTokenFile() is { } file)
        {
            options.Token = File.ReadAllText(file).Trim();
        }
        return options;
    }
}

/// <summary>One process of a local cluster: its PID, role name, addresses and log file.</summary>
public sealed record ClusterProcess(
    string Name,
    int Pid,
    string Address,
    string HttpAddress,
    string DataDirectory,
    string LogFile,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NodeId = null);

/// <summary>
/// cluster.json's serializer, generated at compile time: no reflection, so the Native AOT build
/// (ckptfs-native) can read it too. Same shape as before: indented, camelCase.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ClusterState))]
internal sealed partial class ClusterStateJson : JsonSerializerContext;
