namespace CkptFS.IntegrationTests.Deploy;

/// <summary>deploy/k8s/examples: a checkpoint save/restore Job, and PyTorch with the mount in a sidecar.</summary>
public sealed class ExampleManifestTests
{
    [KubectlFact]
    public async Task TheTrainingJobSavesAndRestoresACheckpointWithTheCli()
    {
        var rendered = await RenderedManifests.RenderAsync("examples");
        var job = rendered.Single("Job", "ckptfs-checkpoint-demo");
        var container = Assert.Single(job.Items("spec.template.spec.containers"));
        var script = string.Join('\n', container.Items("args").Select(a => a.GetString()));
        Assert.Contains("ckptfs ckpt save /jobs/demo 100 /work/step-100", script, StringComparison.Ordinal);
        Assert.Contains("ckptfs ckpt restore /jobs/demo /work/restored", script, StringComparison.Ordinal);
        Assert.Contains("diff -r /work/step-100 /work/restored", script, StringComparison.Ordinal);
        var env = container.Items("env").ToDictionary(e => e.Str("name")!);
        Assert.Equal("ckptfs-namenode.ckptfs.svc.cluster.local:8020", env["CKPTFS_NAMENODE"].Str("value"));
        Assert.True(container.Get("securityContext.readOnlyRootFilesystem").GetBoolean());
    }

    [KubectlFact]
    public async Task ThePyTorchPodSharesTheSidecarsFuseMount()
    {
        var rendered = await RenderedManifests.RenderAsync("examples");
        var pod = rendered.Single("Pod", "pytorch-ckptfs-mount").Get("spec");
        var sidecar = Assert.Single(pod.Items("initContainers"));
        Assert.Equal("Always", sidecar.Str("restartPolicy"));   // a native sidecar: up before the trainer, down after it
        Assert.Equal(["mount", "/mnt/ckpt", "-f", "-o", "allow_other"], sidecar.Items("args").Select(a => a.GetString()));
        Assert.NotNull(sidecar.At("startupProbe.exec"));
        Assert.Contains("SYS_ADMIN", sidecar.Items("securityContext.capabilities.add").Select(c => c.GetString()));
        // Kubernetes admits Bidirectional propagation only in a privileged container.
        Assert.True(sidecar.Get("securityContext.privileged").GetBoolean());
        var shared = Assert.Single(sidecar.Items("volumeMounts"), m => m.Str("mountPath") == "/mnt/ckpt");
        Assert.Equal("Bidirectional", shared.Str("mountPropagation"));
        var fuse = Assert.Single(sidecar.Items("volumeMounts"), m => m.Str("mountPath") == "/dev/fuse");
        var fuseVolume = Assert.Single(pod.Items("volumes"), v => v.Str("name") == fuse.Str("name"));
        Assert.Equal("/dev/fuse", fuseVolume.Str("hostPath.path"));
        Assert.Equal("CharDevice", fuseVolume.Str("hostPath.type"));

        var trainer = Assert.Single(pod.Items("containers"));
        Assert.Contains("pytorch", trainer.Str("image"), StringComparison.Ordinal);
        var seen = Assert.Single(trainer.Items("volumeMounts"), m => m.Str("name") == shared.Str("name"));
        Assert.Equal("HostToContainer", seen.Str("mountPropagation"));
        Assert.False(trainer.At("securityContext.privileged")?.GetBoolean() ?? false);
        Assert.Contains("torch.save", string.Join('\n', trainer.Items("args").Select(a => a.GetString())), StringComparison.Ordinal);
    }
}
