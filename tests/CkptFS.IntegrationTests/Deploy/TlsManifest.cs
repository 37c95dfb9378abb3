using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CkptFS.Protocol.Tls;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// Reading the TLS side of rendered manifests (deploy/k8s/components/tls): which host a certificate
/// names, which secret file a path in a container is, what a container's environment holds.
/// </summary>
internal static partial class TlsManifest
{
    /// <summary>The NameNode host clients dial: the host of the settings' CKPTFS_NAMENODE.</summary>
    public static string NameNodeHost(RenderedManifests rendered) =>
        Host(rendered.SettingsConfigMap().Get("data").Str(CkptFS.Client.CkptFsClientOptions.NameNodeEnvironmentVariable)!);

    /// <summary>The name DataNode <paramref name="index"/> advertises: datanode.yaml's pattern with the pod's name and namespace put in.</summary>
    public static string DataNodeHost(RenderedManifests rendered, int index)
    {
        var statefulSet = rendered.Single("StatefulSet", "ckptfs-datanode");
        var container = Assert.Single(statefulSet.Items("spec.template.spec.containers"));
        var pattern = container.Items("env").Single(e => e.Str("name") == "CKPTFS_DATANODE__ADVERTISEDHOST").Str("value")!;
        var host = pattern.Replace("$(POD_NAME)", $"{statefulSet.Str("metadata.name")}-{index}", StringComparison.Ordinal)
            .Replace("$(POD_NAMESPACE)", statefulSet.Str("metadata.namespace"), StringComparison.Ordinal);
        Assert.DoesNotContain("$(", host, StringComparison.Ordinal);
        return host;
    }

    /// <summary>"host" of "host:port" or "https://host:port".</summary>
    public static string Host(string address)
    {
        var hostPort = address.Contains("://", StringComparison.Ordinal) ? address[(address.IndexOf("://", StringComparison.Ordinal) + 3)..] : address;
        return hostPort[..hostPort.LastIndexOf(':')];
    }

    /// <summary>
    /// Whether a client dialling <paramref name="host"/> accepts the certificate by name: a DNS name
    /// equal to it, or a wildcard for its first label (RFC 6125: "*" stands for exactly one label).
    /// </summary>
    public static bool Names(JsonElement certificate, string host) =>
        certificate.Items("spec.dnsNames").Select(d => d.GetString()!).Any(name =>
            string.Equals(name, host, StringComparison.OrdinalIgnoreCase)
            || (name.StartsWith("*.", StringComparison.Ordinal) && host.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot
                && string.Equals(host[(dot + 1)..], name[2..], StringComparison.OrdinalIgnoreCase)));

    /// <summary>The one Certificate that names <paramref name="host"/>.</summary>
    public static JsonElement CertificateFor(RenderedManifests rendered, string host) =>
        Assert.Single(rendered.OfKind("Certificate"), c => Names(c, host));

    /// <summary>The secret key a TLS file setting must point at (tls.crt, tls.key, ca.crt); null for any other setting.</summary>
    public static string? SecretKeyFor(string setting) =>
        setting.EndsWith("__TLS__CERTIFICATEFILE", StringComparison.Ordinal) ? "tls.crt"
        : setting.EndsWith("__TLS__KEYFILE", StringComparison.Ordinal) ? "tls.key"
        : setting.EndsWith("__TLSCAFILE", StringComparison.Ordinal) || setting == TlsClientTrust.CaFileEnvironmentVariable ? "ca.crt"
        : null;

    /// <summary>The variables a container sees: its ConfigMaps' (envFrom), then its own env over them; null for a valueFrom.</summary>
    public static Dictionary<string, string?> ContainerEnvironment(RenderedManifests rendered, JsonElement container)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var configMap in container.Items("envFrom").Select(e => e.Str("configMapRef.name")).OfType<string>())
        {
            foreach (var entry in rendered.Single("ConfigMap", configMap).Get("data").EnumerateObject())
            {
                variables[entry.Name] = entry.Value.GetString();
            }
        }
        foreach (var variable in container.Items("env"))
        {
            variables[variable.Str("name")!] = variable.Str("value");
        }
        return variables;
    }

    /// <summary>
    /// The secret file at <paramref name="path"/> in <paramref name="container"/>; null when no secret
    /// volume is mounted above it. A subPath mount does not count: the kubelet never updates one, so a
    /// renewed certificate would not reach the process.
    /// </summary>
    public static MountedSecretFile? SecretFileAt(JsonElement pod, JsonElement container, string path)
    {
        foreach (var mount in container.Items("volumeMounts").Where(m => m.At("subPath") is null))
        {
            var directory = mount.Str("mountPath")!.TrimEnd('/') + "/";
            var volume = pod.Items("volumes").Single(v => v.Str("name") == mount.Str("name"));
            if (!path.StartsWith(directory, StringComparison.Ordinal) || volume.Str("secret.secretName") is not { } secret)
            {
                continue;
            }
            var relative = path[directory.Length..];
            var items = volume.Items("secret.items").ToList();
            var key = items.Count == 0 ? relative : items.SingleOrDefault(i => i.Str("path") == relative).Str("key");
            return key is null ? null : new MountedSecretFile(secret, key, mount.At("readOnly")?.GetBoolean() ?? false);
        }
        return null;
    }

    /// <summary>The container ports that serve TLS: all of them once the process is given a certificate.</summary>
    public static IReadOnlySet<int> TlsPorts(RenderedManifests rendered, JsonElement container) =>
        ContainerEnvironment(rendered, container).Any(v => SecretKeyFor(v.Key) == "tls.crt" && !string.IsNullOrEmpty(v.Value))
            ? container.Items("ports").Select(p => p.Get("containerPort").GetInt32()).ToHashSet()
            : new HashSet<int>();

    /// <summary>A Go duration as cert-manager writes them ("2160h", "720h0m0s").</summary>
    public static TimeSpan GoDuration(string text)
    {
        Assert.Matches(GoDurationPattern(), text);
        return GoDurationPart().Matches(text).Aggregate(TimeSpan.Zero, (sum, part) =>
        {
            var value = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            return sum + part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                _ => TimeSpan.FromMilliseconds(value),
            };
        });
    }

    [GeneratedRegex("^([0-9]+(\\.[0-9]+)?(ms|h|m|s))+$")]
    private static partial Regex GoDurationPattern();

    [GeneratedRegex("([0-9.]+)(ms|h|m|s)")]
    private static partial Regex GoDurationPart();
}
