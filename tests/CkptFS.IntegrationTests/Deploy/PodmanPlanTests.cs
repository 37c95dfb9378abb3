using System.Text.Json;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// deploy/test/podman/plan.mjs (what the podman cluster test and podman-cluster.sh play) on the
/// rendered test overlay, without podman: StatefulSets become the pods their controller would make,
/// with Kubernetes's names inside and this run's prefix on podman's names, and every name a process
/// is given (the NameNode address, each DataNode's advertised host) resolves on the network.
/// </summary>
public sealed class PodmanPlanTests
{
    private const string Prefix = "p1-";
    private const string Image = "localhost/ckptfs:plan-test";

    [KubectlFact]
    public async Task EachStatefulSetBecomesItsPodsWithNamesHostnamesAndClaims()
    {
        var plan = await PlanAsync();
        var pods = plan.Items("pods").ToDictionary(p => p.Str("name")!);
        Assert.Equal(["ckptfs-datanode-0", "ckptfs-datanode-1", "ckptfs-datanode-2", "ckptfs-namenode-0"], pods.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, pod) in pods)
        {
            var set = name[..name.LastIndexOf('-')];
            var spec = pod.Get("playPod.spec");
            Assert.Equal(Prefix + name, pod.Str("podmanName"));
            Assert.Equal(Prefix + name, pod.Str("playPod.metadata.name"));
            Assert.Equal(name, spec.Str("hostname"));
            Assert.Equal(set == "ckptfs-namenode" ? "ckptfs-namenode-hl" : "ckptfs-datanode", spec.Str("subdomain"));
            Assert.Equal(name, Label(pod, "statefulset.kubernetes.io/pod-name"));
            var claim = Assert.Single(pod.Items("claims"));
            var template = set == "ckptfs-namenode" ? "metadata" : "data";
            Assert.Equal($"{template}-{name}", claim.Str("name"));
            Assert.Equal($"{Prefix}{template}-{name}", claim.Str("volume"));
            Assert.Contains(spec.Items("volumes"), v => v.Str("name") == template && v.Str("persistentVolumeClaim.claimName") == $"{Prefix}{template}-{name}");
            // fsGroup, as Kubernetes applies it to a new volume: the non-root user can write it.
            Assert.Contains("volume.podman.io/gid: \"10001\"", claim.Str("playYaml"), StringComparison.Ordinal);
        }
    }

    [KubectlFact]
    public async Task TheNamesTheProcessesAreGivenResolveOnTheNetwork()
    {
        var plan = await PlanAsync();
        var pods = plan.Items("pods").ToList();
        var nameNode = pods.Single(p => p.Str("name") == "ckptfs-namenode-0");
        var nameNodeAddress = Settings(plan)["CKPTFS_DATANODE__NAMENODE__NAMENODEADDRESS"].Split(':')[0];
        Assert.Contains(nameNodeAddress, Aliases(nameNode));
        foreach (var dataNode in pods.Where(p => p.Str("name")!.StartsWith("ckptfs-datanode-", StringComparison.Ordinal)))
        {
            var name = dataNode.Str("name")!;
            var env = Container(dataNode).Items("env").ToDictionary(e => e.Str("name")!, e => e.Str("value"));
            // The downward API and $(VAR) resolved with Kubernetes's pod name, not podman's prefixed one.
            Assert.Equal($"{name}.ckptfs-datanode.ckptfs.svc.cluster.local", env["CKPTFS_DATANODE__ADVERTISEDHOST"]);
            Assert.Equal(name, env["CKPTFS_DATANODE__NODEID"]);
            Assert.Equal("/", env["CKPTFS_DATANODE__LOCATION"]);
            Assert.Contains(env["CKPTFS_DATANODE__ADVERTISEDHOST"]!, Aliases(dataNode));
            Assert.DoesNotContain(Aliases(nameNode), a => a.StartsWith(name, StringComparison.Ordinal));
        }
    }

    [KubectlFact]
    public async Task PodsRunTheGivenImageAndPublishNoPortOnTheHost()
    {
        var plan = await PlanAsync();
        foreach (var pod in plan.Items("pods"))
        {
            var container = Container(pod);
            Assert.Equal(Image, container.Str("image"));
            // podman 4.3 would publish every containerPort on the host: two DataNodes would clash.
            Assert.Null(container.At("ports"));
            Assert.Equal(JsonValueKind.Number, container.Get("livenessProbe.httpGet.port").ValueKind);
            Assert.Equal(JsonValueKind.Number, container.Get("startupProbe.httpGet.port").ValueKind);
        }
    }

    [KubectlFact]
    public async Task AKindPodmanCannotRunIsRefusedNotSkipped()
    {
        const string deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {spec: {containers: []}}}\n";
        var result = await RunPlanAsync(deployment);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("cannot run on podman: Deployment/web", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> PlanAsync()
    {
        var result = await RunPlanAsync(await PodmanCluster.RenderAsync("deploy/test/podman/overlay"));
        result.Result.EnsureSuccess("cluster.mjs plan");
        return result.Plan;
    }

    private static async Task<(int ExitCode, string Stderr, ToolResult Result, JsonElement Plan)> RunPlanAsync(string yaml)
    {
        using var work = new TempDirectory("ckptfs-podman-plan");
        var file = work.Combine("rendered.yaml");
        await File.WriteAllTextAsync(file, yaml);
        var state = work.Combine("state");
        var result = await DeployTools.RunAsync("node", [PodmanCluster.Script, "plan", "--state", state, "--prefix", Prefix, "--image", Image, file], TimeSpan.FromMinutes(1));
        var stateFile = Path.Combine(state, "state.json");
        var plan = File.Exists(stateFile) ? JsonDocument.Parse(await File.ReadAllTextAsync(stateFile)).RootElement.Clone() : default;
        return (result.ExitCode, result.Stderr, result, plan);
    }

    private static JsonElement Container(JsonElement pod) => pod.Items("playPod.spec.containers").Single();

    private static List<string> Aliases(JsonElement pod) => pod.Items("aliases").Select(a => a.GetString()!).ToList();

    private static string? Label(JsonElement pod, string key) =>
        pod.Get("playPod.metadata.labels").TryGetProperty(key, out var value) ? value.GetString() : null;

    private static Dictionary<string, string> Settings(JsonElement plan) =>
        plan.Str("settingsEnv")!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
