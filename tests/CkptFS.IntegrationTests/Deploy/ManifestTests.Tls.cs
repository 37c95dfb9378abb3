using System.Text.Json;
using CkptFS.Protocol.Tls;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// TLS in the production overlay (deploy/k8s/components/tls): cert-manager certificates that name
/// what the clients dial and chain to one CA, every TLS setting pointing into a read-only mount of
/// its container's own secret, probes that speak TLS where the ports do; the dev overlays without it.
/// </summary>
public sealed partial class ManifestTests
{
    private const string Production = "overlays/production";

    [KubectlFact]
    public async Task ProductionCertificatesChainFromASelfSignedIssuerThroughOneCa()
    {
        var rendered = await RenderedManifests.RenderAsync(Production);
        var issuers = rendered.OfKind("Issuer").ToList();
        var certificates = rendered.OfKind("Certificate").ToList();
        JsonElement IssuerOf(JsonElement certificate)
        {
            // A namespaced Issuer signs only in its own namespace.
            Assert.Equal("Issuer", certificate.Str("spec.issuerRef.kind") ?? "Issuer");
            return Assert.Single(issuers, i => i.Str("metadata.name") == certificate.Str("spec.issuerRef.name")
                && i.Str("metadata.namespace") == certificate.Str("metadata.namespace"));
        }

        var ca = Assert.Single(certificates, c => c.At("spec.isCA")?.GetBoolean() == true);
        Assert.Equal("ckptfs-ca", ca.Str("spec.secretName"));
        Assert.Equal(JsonValueKind.Object, IssuerOf(ca).Get("spec.selfSigned").ValueKind);
        var caIssuer = Assert.Single(issuers, i => i.Str("spec.ca.secretName") == ca.Str("spec.secretName"));
        Assert.Equal(ca.Str("metadata.namespace"), caIssuer.Str("metadata.namespace"));
        var leaves = certificates.Where(c => c.At("spec.isCA")?.GetBoolean() != true).ToList();
        Assert.Equal(2, leaves.Count);   // the NameNode's and the DataNodes'
        foreach (var certificate in certificates)
        {
            var name = certificate.Name();
            var issuer = IssuerOf(certificate);
            // The self-signed issuer makes the CA and nothing else; the leaves come from the CA.
            Assert.True(name == ca.Name() || issuer.Name() == caIssuer.Name(), $"{name} is signed by {issuer.Name()}, not by the CA issuer");
            Assert.Equal("ECDSA", certificate.Str("spec.privateKey.algorithm"));
            var duration = TlsManifest.GoDuration(certificate.Str("spec.duration")!);
            var renewBefore = TlsManifest.GoDuration(certificate.Str("spec.renewBefore")!);
            Assert.True(renewBefore < duration / 2 && renewBefore >= TimeSpan.FromDays(7), $"{name}: renewBefore {renewBefore} of {duration}");
        }
        foreach (var leaf in leaves)
        {
            Assert.Contains("server auth", leaf.Items("spec.usages").Select(u => u.GetString()));
        }
        Assert.Equal(2, issuers.Count);
    }

    [KubectlFact]
    public async Task TheValidatorChecksCertManagerObjectsByHand()
    {
        // kubernetes-models has no cert-manager schemas: validate.mjs checks the fields we use itself.
        var rendered = await RenderedManifests.RenderAsync(Production);
        Assert.Contains("Certificate/ckptfs-namenode", rendered.Validation.GetProperty("objects").EnumerateArray().Select(o => o.GetString()));
        var broken = rendered.Yaml
            .Replace("secretName: ckptfs-namenode-tls\n", "secretNam: ckptfs-namenode-tls\n", StringComparison.Ordinal)
            .Replace("selfSigned: {}", "selfSigned: {}\n  ca:\n    secretName: ckptfs-ca", StringComparison.Ordinal)
            .Replace("kind: Issuer\n    name: ckptfs-ca", "kind: Isuer\n    name: ckptfs-ca", StringComparison.Ordinal);
        Assert.NotEqual(rendered.Yaml, broken);
        var result = await ValidateAsync(broken);
        Assert.Equal(1, result.ExitCode);
        using var answer = JsonDocument.Parse(result.Stdout);
        var errors = string.Join('\n', answer.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("Certificate/ckptfs-namenode: spec/secretNam is not a Certificate field, spec/secretName is required", errors, StringComparison.Ordinal);
        Assert.Contains("Issuer/ckptfs-selfsigned: spec must have exactly one of selfSigned or ca (has: selfSigned, ca)", errors, StringComparison.Ordinal);
        Assert.Contains("Certificate/ckptfs-datanode: spec/issuerRef/kind must be Issuer or ClusterIssuer (is \"Isuer\")", errors, StringComparison.Ordinal);
        Assert.Equal(3, answer.RootElement.GetProperty("errors").GetArrayLength());
    }

    [KubectlFact]
    public async Task ProductionCertificatesNameTheHostsClientsDial()
    {
        var rendered = await RenderedManifests.RenderAsync(Production);
        var settings = rendered.SettingsConfigMap().Get("data");

        // The NameNode: the Service in CKPTFS_NAMENODE (DataNodes dial the same), by every name a pod
        // can resolve it by, and the pod's own name under the headless Service.
        var host = TlsManifest.NameNodeHost(rendered);
        Assert.Equal(host, TlsManifest.Host(settings.Str("CKPTFS_DATANODE__NAMENODE__NAMENODEADDRESS")!));
        var service = rendered.Single("Service", host);
        var ns = service.Str("metadata.namespace");
        var nameNode = TlsManifest.CertificateFor(rendered, host);
        Assert.Equal("ckptfs-namenode-tls", nameNode.Str("spec.secretName"));
        foreach (var name in new[] { $"{host}.{ns}", $"{host}.{ns}.svc", $"{host}.{ns}.svc.cluster.local" })
        {
            Assert.True(TlsManifest.Names(nameNode, name), $"{nameNode.Name()} does not name {name}");
        }
        var statefulSet = rendered.Single("StatefulSet", "ckptfs-namenode");
        for (var index = 0; index < statefulSet.Get("spec.replicas").GetInt32(); index++)
        {
            var pod = $"{statefulSet.Str("metadata.name")}-{index}.{statefulSet.Str("spec.serviceName")}.{ns}.svc.cluster.local";
            Assert.True(TlsManifest.Names(nameNode, pod), $"{nameNode.Name()} does not name {pod}");
        }
        // Jobs in other namespaces (the examples) dial the Service's full name.
        var examples = await RenderedManifests.RenderAsync("examples");
        var exampleAddresses = examples.Objects
            .SelectMany(o => o.Items("spec.template.spec.containers").Concat(o.Items("spec.containers")).Concat(o.Items("spec.initContainers")))
            .SelectMany(c => c.Items("env")).Where(e => e.Str("name") == "CKPTFS_NAMENODE").Select(e => e.Str("value")!).ToList();
        Assert.NotEmpty(exampleAddresses);
        Assert.All(exampleAddresses, address => Assert.True(TlsManifest.Names(nameNode, TlsManifest.Host(address)), $"{nameNode.Name()} does not name {address}"));

        // The DataNodes: the name each advertises, for the pods there are and any a scale-up adds.
        var dataNodes = rendered.Single("StatefulSet", "ckptfs-datanode").Get("spec.replicas").GetInt32();
        foreach (var index in Enumerable.Range(0, dataNodes).Append(99))
        {
            var dataNode = TlsManifest.CertificateFor(rendered, TlsManifest.DataNodeHost(rendered, index));
            Assert.Equal("ckptfs-datanode-tls", dataNode.Str("spec.secretName"));
        }
        Assert.False(TlsManifest.Names(nameNode, TlsManifest.DataNodeHost(rendered, 0)));
    }

    [KubectlFact]
    public async Task ProductionPointsEveryTlsSettingAtItsContainersSecretMountedReadOnly()
    {
        var rendered = await RenderedManifests.RenderAsync(Production);
        var expected = new Dictionary<string, (string Secret, string[] Settings)>
        {
            ["ckptfs-namenode"] = (TlsManifest.CertificateFor(rendered, TlsManifest.NameNodeHost(rendered)).Str("spec.secretName")!,
                ["CKPTFS_NAMENODE__TLS__CERTIFICATEFILE", "CKPTFS_NAMENODE__TLS__KEYFILE", TlsClientTrust.CaFileEnvironmentVariable]),
            ["ckptfs-datanode"] = (TlsManifest.CertificateFor(rendered, TlsManifest.DataNodeHost(rendered, 0)).Str("spec.secretName")!,
                ["CKPTFS_DATANODE__TLS__CERTIFICATEFILE", "CKPTFS_DATANODE__TLS__KEYFILE", "CKPTFS_DATANODE__NAMENODE__TLSCAFILE", TlsClientTrust.CaFileEnvironmentVariable]),
        };
        foreach (var statefulSet in rendered.OfKind("StatefulSet"))
        {
            var (secret, required) = expected[statefulSet.Str("metadata.name")!];
            var pod = statefulSet.Get("spec.template.spec");
            var container = Assert.Single(pod.Items("containers"));
            var variables = TlsManifest.ContainerEnvironment(rendered, container);
            Assert.All(required, setting => Assert.True(variables.ContainsKey(setting), $"{statefulSet.Name()}: {setting} is not set"));
            foreach (var (setting, path) in variables.Where(v => TlsManifest.SecretKeyFor(v.Key) is not null))
            {
                var file = TlsManifest.SecretFileAt(pod, container, path!);
                Assert.True(file is not null, $"{statefulSet.Name()}: {setting}={path} is under no secret mount");
                Assert.Equal(new MountedSecretFile(secret, TlsManifest.SecretKeyFor(setting)!, ReadOnly: true), file);
            }
        }
    }

    [KubectlFact]
    public async Task ProductionProbesAndServicesSpeakTlsWhereThePortsDo()
    {
        var rendered = await RenderedManifests.RenderAsync(Production);
        foreach (var statefulSet in rendered.OfKind("StatefulSet"))
        {
            var container = Assert.Single(statefulSet.Items("spec.template.spec.containers"));
            var tlsPorts = TlsManifest.TlsPorts(rendered, container);
            Assert.NotEmpty(tlsPorts);
            foreach (var kind in new[] { "readinessProbe", "livenessProbe", "startupProbe" })
            {
                var probe = container.Get(kind);
                // Kubernetes' gRPC probe has no TLS: against a TLS port it never passes.
                Assert.False(probe.At("grpc.port") is { } grpcPort && tlsPorts.Contains(grpcPort.GetInt32()), $"{statefulSet.Name()}: a gRPC {kind} on a TLS port");
                if (probe.At("httpGet") is { } httpGet && tlsPorts.Contains(PortNumber(container, httpGet.Get("port"))))
                {
                    Assert.Equal("HTTPS", httpGet.Str("scheme"));
                }
            }
            var annotations = statefulSet.Get("spec.template.metadata.annotations");
            Assert.Equal("https", annotations.GetProperty("prometheus.io/scheme").GetString());
            // No Service in front of these pods calls a TLS port cleartext HTTP/2.
            foreach (var service in rendered.OfKind("Service").Where(s => Selects(s.Get("spec.selector"), statefulSet)))
            {
                Assert.DoesNotContain(service.Items("spec.ports"), p => p.Str("appProtocol") == "kubernetes.io/h2c");
            }
        }
    }

    [KubectlTheory]
    [InlineData("overlays/dev")]
    [InlineData("../test/podman/overlay")]
    public async Task TheDevOverlaysStayCleartext(string overlay)
    {
        var rendered = await RenderedManifests.RenderAsync(overlay);
        Assert.DoesNotContain(rendered.Objects, o => o.Str("apiVersion")!.StartsWith("cert-manager.io/", StringComparison.Ordinal));
        foreach (var statefulSet in rendered.OfKind("StatefulSet"))
        {
            var pod = statefulSet.Get("spec.template.spec");
            var container = Assert.Single(pod.Items("containers"));
            Assert.DoesNotContain(TlsManifest.ContainerEnvironment(rendered, container).Keys, k => TlsManifest.SecretKeyFor(k) is not null);
            Assert.DoesNotContain(pod.Items("volumes"), v => v.At("secret") is not null);
            Assert.Empty(TlsManifest.TlsPorts(rendered, container));
            Assert.All(new[] { "readinessProbe", "livenessProbe", "startupProbe" }, kind => Assert.NotEqual("HTTPS", container.Str($"{kind}.httpGet.scheme")));
        }
        var nameNode = Assert.Single(rendered.Single("StatefulSet", "ckptfs-namenode").Items("spec.template.spec.containers"));
        Assert.Equal(8020, nameNode.Get("readinessProbe.grpc.port").GetInt32());
        Assert.Equal("kubernetes.io/h2c", rendered.Single("Service", "ckptfs-namenode").Items("spec.ports").Single(p => p.Str("name") == "rpc").Str("appProtocol"));
    }
}
