using System.Diagnostics;
using System.Text.Json;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// Rendered manifests running on podman through deploy/test/podman/cluster.mjs (the same code as
/// deploy/test/podman-cluster.sh): StatefulSets expanded into pods, claims as named volumes,
/// Services as network aliases on a network of this cluster's own. Every podman name starts with a
/// prefix unique to this instance; dispose removes exactly what `up` recorded, by name.
/// </summary>
internal sealed class PodmanCluster : IAsyncDisposable
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(4);
    private readonly string _state;

    public PodmanCluster(string stateDirectory)
    {
        _state = stateDirectory;
        Prefix = $"ckt{Guid.NewGuid().ToString("N")[..8]}-";
    }

    public static string Script => Path.Combine(DeployTools.DeployDirectory, "test", "podman", "cluster.mjs");

    /// <summary>Starts every podman name this cluster makes: pods, volumes, the network.</summary>
    public string Prefix { get; }

    public string Network => $"{Prefix}net";

    /// <summary>The settings ConfigMap as an env file, for a client container.</summary>
    public string SettingsEnvFile => Path.Combine(_state, "settings.env");

    /// <summary>The pods' Kubernetes names (ckptfs-datanode-0, ...), from the plan `up` wrote.</summary>
    public IReadOnlyList<string> Pods { get; private set; } = [];

    /// <summary>`kubectl kustomize` of a kustomization (a path under the repository), as YAML.</summary>
    public static async Task<string> RenderAsync(string kustomization)
    {
        var kubectl = DeployTools.Which("kubectl") ?? throw new InvalidOperationException(DeployTools.KubectlMissingReason);
        var render = await DeployTools.RunAsync(kubectl, ["kustomize", Path.Combine(CkptFS.Testing.RepoPaths.Root, kustomization)], TimeSpan.FromMinutes(2));
        return render.EnsureSuccess($"kubectl kustomize {kustomization}").Stdout;
    }

    /// <summary>Plays every pod of the rendered manifests, with every container's image set to <paramref name="image"/>.</summary>
    public async Task UpAsync(string renderedYaml, string image)
    {
        Directory.CreateDirectory(_state);
        var file = Path.Combine(_state, "rendered.yaml");
        await File.WriteAllTextAsync(file, renderedYaml);
        await RunAsync("up", "--prefix", Prefix, "--image", image, file);
        using var plan = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_state, "state.json")));
        Pods = plan.RootElement.GetProperty("pods").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToList();
    }

    /// <summary>Deletes a pod as Kubernetes does (SIGTERM, up to its grace period, then removal); its volumes stay. Returns the time it took.</summary>
    public async Task<TimeSpan> DeleteAsync(string pod)
    {
        var watch = Stopwatch.StartNew();
        await RunAsync("delete", pod);
        return watch.Elapsed;
    }

    /// <summary>Makes a deleted pod again from the same template, volumes and names.</summary>
    public Task PlayAsync(string pod) => RunAsync("play", pod);

    /// <summary>An environment variable of a pod's container as the pod gets it (downward API and $(VAR) resolved by the plan).</summary>
    public string? Env(string pod, string container, string name)
    {
        using var plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(_state, "state.json")));
        var found = plan.RootElement.GetProperty("pods").EnumerateArray().Single(p => p.GetProperty("name").GetString() == pod)
            .GetProperty("playPod").GetProperty("spec").GetProperty("containers").EnumerateArray().Single(c => c.GetProperty("name").GetString() == container)
            .GetProperty("env").EnumerateArray().FirstOrDefault(e => e.GetProperty("name").GetString() == name);
        return found.ValueKind == JsonValueKind.Object ? found.GetProperty("value").GetString() : null;
    }

    /// <summary>The podman name of a pod's container (`kube play` names it pod-container).</summary>
    public string Container(string pod, string container) => $"{Prefix}{pod}-{container}";

    public async Task<string> LogsAsync(string pod, string container)
    {
        var logs = await Podman.RunAsync(TimeSpan.FromMinutes(1), "logs", Container(pod, container));
        return logs.Stdout + logs.Stderr;
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(_state, "state.json")))
        {
            await RunAsync("down");
        }
    }

    private async Task RunAsync(string command, params string[] arguments)
    {
        var result = await DeployTools.RunAsync("node", [Script, command, "--state", _state, .. arguments], s_commandTimeout);
        result.EnsureSuccess($"cluster.mjs {command} {string.Join(' ', arguments)}");
    }
}
