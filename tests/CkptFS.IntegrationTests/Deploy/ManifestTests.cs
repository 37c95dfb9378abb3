using System.Text.Json;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// deploy/k8s as an operator applies it: each overlay renders with `kubectl kustomize`, every
/// object validates against the Kubernetes schemas offline, and what a working cluster needs holds
/// in the rendered YAML (probes, volumes, placement, security, settings the processes read).
/// </summary>
public sealed partial class ManifestTests
{
    public static TheoryData<string> Kustomizations => new() { "overlays/dev", "overlays/production", "examples" };

    public static TheoryData<string> Overlays => new() { "overlays/dev", "overlays/production" };

    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task RendersAndEveryObjectValidatesAgainstTheKubernetesSchemas(string kustomization)
    {
        var rendered = await RenderedManifests.RenderAsync(kustomization);
        Assert.Empty(rendered.ValidationErrors);
        Assert.NotEmpty(rendered.Objects);
        Assert.Equal(rendered.Objects.Count, rendered.Validation.GetProperty("valid").GetInt32());
    }

    [KubectlFact]
    public async Task TheValidatorRejectsABrokenObject()
    {
        // The schema check is only worth something if it fails: replicas as a string, an unknown probe port type.
        var rendered = await RenderedManifests.RenderAsync("overlays/dev");
        var broken = rendered.Yaml.Replace("replicas: 1", "replicas: \"one\"", StringComparison.Ordinal);
        var result = await ValidateAsync(broken);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("spec/replicas must be integer", result.Stdout, StringComparison.Ordinal);
    }

    /// <summary>Runs deploy/test/validate.mjs on <paramref name="yaml"/> as a file, as the render check does.</summary>
    private static async Task<ToolResult> ValidateAsync(string yaml)
    {
        using var directory = new CkptFS.Testing.TempDirectory("ckptfs-manifests");
        var file = directory.Combine("manifests.yaml");
        await File.WriteAllTextAsync(file, yaml);
        var validatorDirectory = Path.Combine(DeployTools.DeployDirectory, "test");
        return await DeployTools.RunAsync("node", [Path.Combine(validatorDirectory, "validate.mjs"), file], TimeSpan.FromSeconds(60), validatorDirectory);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task TheNameNodeHasOneReplicaItsMetadataVolumeProbesAndServices(string overlay)
    {
        var rendered = await RenderedManifests.RenderAsync(overlay);
        var settings = rendered.SettingsConfigMap().Get("data");
        var statefulSet = rendered.Single("StatefulSet", "ckptfs-namenode");
        Assert.Equal(1, statefulSet.Get("spec.replicas").GetInt32());
        var container = Assert.Single(statefulSet.Items("spec.template.spec.containers"));
        Assert.Equal("namenode", Assert.Single(container.Items("args")).GetString());

        // Readiness: native gRPC on the health service; where the ports speak TLS (production), which
        // that probe cannot, GET /readyz over HTTPS, which answers as the health service does.
        // Liveness on the HTTP server's /healthz, over HTTPS in production.
        var production = overlay.EndsWith("production", StringComparison.Ordinal);
        if (production)
        {
            Assert.Null(container.At("readinessProbe.grpc"));
            Assert.Equal("/readyz", container.Str("readinessProbe.httpGet.path"));
            Assert.Equal(9870, PortNumber(container, container.Get("readinessProbe.httpGet.port")));
            Assert.Equal("HTTPS", container.Str("readinessProbe.httpGet.scheme"));
        }
        else
        {
            Assert.Equal(8020, container.Get("readinessProbe.grpc.port").GetInt32());
            Assert.Equal("ckptfs.v1.ClientProtocol", container.Str("readinessProbe.grpc.service"));
        }
        Assert.Equal("/healthz", container.Str("livenessProbe.httpGet.path"));
        Assert.Equal(9870, PortNumber(container, container.Get("livenessProbe.httpGet.port")));
        Assert.Equal(production ? "HTTPS" : null, container.Str("livenessProbe.httpGet.scheme"));
        Assert.Equal("8020", settings.Str("CKPTFS_NAMENODE__RPCPORT"));
        Assert.Equal("9870", settings.Str("CKPTFS_NAMENODE__HTTPPORT"));
        Assert.Equal("0.0.0.0", settings.Str("CKPTFS_NAMENODE__BINDADDRESS"));
        // Clients authenticate in production; the dev overlay stays open like the local quickstart.
        Assert.Equal(production ? "token" : null, settings.Str("CKPTFS_NAMENODE__AUTHENTICATION__MODE"));
        Assert.Equal(production ? "true" : null, settings.Str("CKPTFS_NAMENODE__PERMISSIONS__ENABLED"));

        // Metadata on a PVC, mounted where the NameNode's DataDirectory setting points.
        var claim = Assert.Single(statefulSet.Items("spec.volumeClaimTemplates"));
        AssertMountedAt(container, claim.Str("metadata.name")!, settings.Str("CKPTFS_NAMENODE__DATADIRECTORY")!);
        Assert.NotNull(claim.Str("spec.resources.requests.storage"));

        // The client Service on 8020 and 9870, and the headless Service that governs the StatefulSet.
        var service = rendered.Single("Service", "ckptfs-namenode");
        Assert.Equal([8020, 9870], service.Items("spec.ports").Select(p => p.Get("port").GetInt32()).Order());
        AssertSelects(service.Get("spec.selector"), statefulSet);
        var headless = rendered.Single("Service", statefulSet.Str("spec.serviceName")!);
        Assert.Equal("None", headless.Str("spec.clusterIP"));
        AssertSelects(headless.Get("spec.selector"), statefulSet);
        Assert.Equal($"{service.Str("metadata.name")}:8020", settings.Str("CKPTFS_NAMENODE"));
        Assert.Equal($"{service.Str("metadata.name")}:8020", settings.Str("CKPTFS_DATANODE__NAMENODE__NAMENODEADDRESS"));
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task DataNodesHaveTheirVolumesStableNamesAndSpreadOverMachinesAndZones(string overlay)
    {
        var rendered = await RenderedManifests.RenderAsync(overlay);
        var settings = rendered.SettingsConfigMap().Get("data");
        var statefulSet = rendered.Single("StatefulSet", "ckptfs-datanode");
        var replicas = statefulSet.Get("spec.replicas").GetInt32();
        Assert.True(overlay.EndsWith("dev", StringComparison.Ordinal) ? replicas == 1 : replicas >= 3, $"{overlay}: {replicas} DataNodes");
        var pod = statefulSet.Get("spec.template.spec");
        var container = Assert.Single(pod.Items("containers"));
        Assert.Equal("datanode", Assert.Single(container.Items("args")).GetString());

        var claim = Assert.Single(statefulSet.Items("spec.volumeClaimTemplates"));
        AssertMountedAt(container, claim.Str("metadata.name")!, settings.Str("CKPTFS_DATANODE__STORAGE__DATAFOLDERS__0")!);
        Assert.Equal("/healthz", container.Str("livenessProbe.httpGet.path"));
        Assert.Equal("/readyz", container.Str("readinessProbe.httpGet.path"));
        // SIGTERM: the maintenance call, the drain and the last report must fit in the grace period.
        var stopBound = new CkptFS.DataNode.DataNodeOptions().ShutdownDrainTimeout + 2 * CkptFS.DataNode.DataNodeServer.ShutdownCallTimeout;
        var grace = pod.Get("terminationGracePeriodSeconds").GetInt32();
        Assert.True(grace >= stopBound.TotalSeconds + 10, $"{overlay}: terminationGracePeriodSeconds {grace} leaves too little beyond a DataNode's stop ({stopBound})");
        Assert.Equal(9864, PortNumber(container, container.Get("livenessProbe.httpGet.port")));

        // The advertised host is the pod's DNS name under the governing headless Service.
        var headless = rendered.Single("Service", statefulSet.Str("spec.serviceName")!);
        Assert.Equal("None", headless.Str("spec.clusterIP"));
        Assert.True(headless.Get("spec.publishNotReadyAddresses").GetBoolean());
        var env = container.Items("env").ToDictionary(e => e.Str("name")!);
        Assert.Equal("metadata.name", env["POD_NAME"].Str("valueFrom.fieldRef.fieldPath"));
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].Str("valueFrom.fieldRef.fieldPath"));
        Assert.Equal($"$(POD_NAME).{headless.Str("metadata.name")}.$(POD_NAMESPACE).svc.cluster.local", env["CKPTFS_DATANODE__ADVERTISEDHOST"].Str("value"));
        Assert.Equal("metadata.labels['topology.kubernetes.io/zone']", env["NODE_ZONE"].Str("valueFrom.fieldRef.fieldPath"));
        Assert.Equal("/$(NODE_ZONE)", env["CKPTFS_DATANODE__LOCATION"].Str("value"));

        // Placement: away from each other's machines, spread over zones; hard rules in production.
        var production = overlay.EndsWith("production", StringComparison.Ordinal);
        var antiAffinity = pod.Get("affinity.podAntiAffinity");
        var terms = production
            ? antiAffinity.Items("requiredDuringSchedulingIgnoredDuringExecution").ToList()
            : antiAffinity.Items("preferredDuringSchedulingIgnoredDuringExecution").Select(t => t.Get("podAffinityTerm")).ToList();
        var term = Assert.Single(terms);
        Assert.Equal("kubernetes.io/hostname", term.Str("topologyKey"));
        AssertSelects(term.Get("labelSelector.matchLabels"), statefulSet);
        var zoneSpread = Assert.Single(pod.Items("topologySpreadConstraints"), c => c.Str("topologyKey") == "topology.kubernetes.io/zone");
        Assert.Equal(1, zoneSpread.Get("maxSkew").GetInt32());
        Assert.Equal(production ? "DoNotSchedule" : "ScheduleAnyway", zoneSpread.Str("whenUnsatisfiable"));
        AssertSelects(zoneSpread.Get("labelSelector.matchLabels"), statefulSet);
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task EveryServerPodIsLockedDownSizedScrapedAndBudgeted(string overlay)
    {
        var rendered = await RenderedManifests.RenderAsync(overlay);
        var configMapName = rendered.SettingsConfigMap().Str("metadata.name");
        var budgets = rendered.OfKind("PodDisruptionBudget").ToList();
        foreach (var statefulSet in rendered.OfKind("StatefulSet"))
        {
            var name = statefulSet.Name();
            var pod = statefulSet.Get("spec.template.spec");
            Assert.True(pod.Get("securityContext.runAsNonRoot").GetBoolean(), name);
            Assert.NotEqual(0, pod.Get("securityContext.runAsUser").GetInt32());
            Assert.Equal("RuntimeDefault", pod.Str("securityContext.seccompProfile.type"));
            foreach (var container in pod.Items("containers"))
            {
                Assert.False(container.Get("securityContext.allowPrivilegeEscalation").GetBoolean(), name);
                Assert.True(container.Get("securityContext.readOnlyRootFilesystem").GetBoolean(), name);
                Assert.Equal(["ALL"], container.Items("securityContext.capabilities.drop").Select(c => c.GetString()));
                Assert.NotNull(container.Str("resources.requests.cpu"));
                Assert.NotNull(container.Str("resources.requests.memory"));
                Assert.NotNull(container.Str("resources.limits.memory"));
                Assert.Contains(container.Items("volumeMounts"), m => m.Str("mountPath") == "/tmp");
                Assert.Contains(container.Items("envFrom"), e => e.Str("configMapRef.name") == configMapName);
                // Every CKPTFS_* variable set in the pod (beside the ConfigMap's) is a real setting too.
                foreach (var variable in container.Items("env").Where(e => e.Str("name")!.StartsWith("CKPTFS_", StringComparison.Ordinal)))
                {
                    Assert.Null(SettingNames.Problem(variable.Str("name")!, variable.Str("value") ?? string.Empty));
                }
            }
            var annotations = statefulSet.Get("spec.template.metadata.annotations");
            Assert.Equal("true", annotations.GetProperty("prometheus.io/scrape").GetString());
            Assert.Equal("/metrics", annotations.GetProperty("prometheus.io/path").GetString());
            var scrapePort = int.Parse(annotations.GetProperty("prometheus.io/port").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(pod.Items("containers").SelectMany(c => c.Items("ports")), p => p.Get("containerPort").GetInt32() == scrapePort && p.Str("name") == "http");
            var budget = Assert.Single(budgets, b => Selects(b.Get("spec.selector.matchLabels"), statefulSet));
            Assert.Equal(1, budget.Get("spec.maxUnavailable").GetInt32());
        }
    }

    [KubectlTheory]
    [MemberData(nameof(Overlays))]
    public async Task EveryConfigMapKeyIsASettingTheProcessesRead(string overlay)
    {
        var rendered = await RenderedManifests.RenderAsync(overlay);
        var data = rendered.SettingsConfigMap().Get("data");
        var problems = data.EnumerateObject().Select(p => SettingNames.Problem(p.Name, p.Value.GetString()!)).OfType<string>().ToList();
        Assert.Empty(problems);
        Assert.True(data.EnumerateObject().Count() >= 15, "the settings ConfigMap lost its keys");
    }

    [Theory]
    [InlineData("CKPTFS_NAMENODE__NAMESPACE__DEFAULTREPLICATON", "3", "no settable property 'DEFAULTREPLICATON'")]
    [InlineData("CKPTFS_NAMENODE__NAMESPACE", "3", "names a section")]
    [InlineData("CKPTFS_DATANODE__STORAGE__DATAFOLDERS__X", "/d", "not an index")]
    [InlineData("CKPTFS_NAMENODE__LEASES__SOFTLIMIT", "one minute", "not a TimeSpan")]
    [InlineData("CKPTFS_NAMENODE__RPCPORT", "http", "not a Int32")]
    [InlineData("CKPTFS_NAMENODE_ADDRESS", "nn:8020", "not a setting")]
    public void TheSettingNameCheckRefusesWhatNothingReads(string name, string value, string expected)
    {
        Assert.Contains(expected, SettingNames.Problem(name, value), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSettingNameCheckTakesRealSettings()
    {
        Assert.Null(SettingNames.Problem("CKPTFS_NAMENODE__LEASES__HARDLIMIT", "00:20:00"));
        Assert.Null(SettingNames.Problem("CKPTFS_DATANODE__STORAGE__DATAFOLDERS__1", "/disk2"));
        Assert.Null(SettingNames.Problem("CKPTFS_DATANODE__NAMENODE__HEARTBEATINTERVAL", "00:00:03"));
        Assert.Null(SettingNames.Problem("CKPTFS_MOUNT_STATE_DIR", "/tmp/ckptfs"));
    }

    private static int PortNumber(JsonElement container, JsonElement port) =>
        port.ValueKind == JsonValueKind.Number
            ? port.GetInt32()
            : container.Items("ports").Single(p => p.Str("name") == port.GetString()).Get("containerPort").GetInt32();

    private static void AssertMountedAt(JsonElement container, string volume, string path) =>
        Assert.Contains(container.Items("volumeMounts"), m => m.Str("name") == volume && m.Str("mountPath") == path);

    private static void AssertSelects(JsonElement selector, JsonElement workload) =>
        Assert.True(Selects(selector, workload), $"{selector} does not select the pods of {workload.Name()}");

    private static bool Selects(JsonElement selector, JsonElement workload)
    {
        var labels = workload.Get("spec.template.metadata.labels");
        // Label keys hold dots: looked up whole, not as a path.
        return selector.EnumerateObject().All(p => labels.TryGetProperty(p.Name, out var value) && value.GetString() == p.Value.GetString());
    }
}
