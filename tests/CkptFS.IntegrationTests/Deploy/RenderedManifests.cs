using System.Collections.Concurrent;
using System.Text.Json;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// A kustomization under deploy/k8s rendered by `kubectl kustomize`, validated offline against the
/// Kubernetes schemas by deploy/test/validate.mjs (npm kubernetes-models), and its objects as JSON
/// (the validator prints them: this repository has no YAML parser for .NET). Rendered once per
/// kustomization per test run.
/// </summary>
internal sealed class RenderedManifests
{
    private static readonly TimeSpan s_toolTimeout = TimeSpan.FromSeconds(120);
    private static readonly ConcurrentDictionary<string, Lazy<Task<RenderedManifests>>> s_rendered = new();

    private RenderedManifests(string kustomization, string yaml, JsonElement validation)
    {
        Kustomization = kustomization;
        Yaml = yaml;
        Validation = validation;
        Objects = validation.GetProperty("documents").EnumerateArray().ToList();
    }

    /// <summary>The kustomization, relative to deploy/k8s ("overlays/dev", "examples").</summary>
    public string Kustomization { get; }

    public string Yaml { get; }

    /// <summary>validate.mjs's answer: valid, objects, errors, documents.</summary>
    public JsonElement Validation { get; }

    public IReadOnlyList<JsonElement> Objects { get; }

    public IReadOnlyList<string> ValidationErrors =>
        Validation.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();

    public static Task<RenderedManifests> RenderAsync(string kustomization) =>
        s_rendered.GetOrAdd(kustomization, k => new Lazy<Task<RenderedManifests>>(() => RenderOnceAsync(k))).Value;

    public IEnumerable<JsonElement> OfKind(string kind) =>
        Objects.Where(o => o.GetProperty("kind").GetString() == kind);

    public JsonElement Single(string kind, string name)
    {
        var found = OfKind(kind).Where(o => o.GetProperty("metadata").GetProperty("name").GetString() == name).ToList();
        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException($"{Kustomization}: expected one {kind} named {name}, found {found.Count}.");
    }

    /// <summary>The one ConfigMap the kustomization generates (its name carries a content hash).</summary>
    public JsonElement SettingsConfigMap() =>
        OfKind("ConfigMap").Single(o => o.GetProperty("metadata").GetProperty("name").GetString()!.StartsWith("ckptfs-settings-", StringComparison.Ordinal));

    private static async Task<RenderedManifests> RenderOnceAsync(string kustomization)
    {
        var directory = Path.Combine(DeployTools.DeployDirectory, "k8s", kustomization);
        var kubectl = DeployTools.Which("kubectl") ?? throw new InvalidOperationException("kubectl is not installed.");
        var render = (await DeployTools.RunAsync(kubectl, ["kustomize", directory], s_toolTimeout)).EnsureSuccess($"kubectl kustomize {kustomization}");

        var validatorDirectory = Path.Combine(DeployTools.DeployDirectory, "test");
        if (!Directory.Exists(Path.Combine(validatorDirectory, "node_modules", "kubernetes-models")))
        {
            throw new InvalidOperationException($"{validatorDirectory}/node_modules is missing: run scripts/setup.sh (it runs `npm ci` there).");
        }
        using var yamlFile = new TempDirectory("ckptfs-manifests");
        var file = yamlFile.Combine(kustomization.Replace('/', '-') + ".yaml");
        await File.WriteAllTextAsync(file, render.Stdout);
        var validate = await DeployTools.RunAsync("node", [Path.Combine(validatorDirectory, "validate.mjs"), "--print", file], s_toolTimeout, validatorDirectory);
        var line = validate.Stdout.Split('\n').LastOrDefault(l => l.StartsWith('{'))
            ?? throw new InvalidOperationException($"validate.mjs printed no result (exit {validate.ExitCode}).\nstdout:\n{validate.Stdout}\nstderr:\n{validate.Stderr}");
        return new RenderedManifests(kustomization, render.Stdout, JsonDocument.Parse(line).RootElement.Clone());
    }
}
