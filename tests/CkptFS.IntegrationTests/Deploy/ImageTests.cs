using System.Diagnostics;
using System.Text.RegularExpressions;
using CkptFS.Testing;
using Xunit.Abstractions;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// The image as a cluster runs it: built by deploy/image/build.sh on a local debootstrap base
/// (cached between runs), then one NameNode and one DataNode container on a podman network, set
/// up only through the CKPTFS_* variables of deploy/k8s/base/settings.env (the ConfigMap's), run as
/// the image's non-root user on a read-only root filesystem with every capability dropped, reached
/// by the Service names the manifests use (network aliases). A client container puts and gets a
/// multi-block file and saves and restores a checkpoint. Slow: minutes the first time (debootstrap,
/// publish, build), about a minute once the base and the publish are cached.
/// </summary>
[Trait("Category", "Slow")]
[Collection(PodmanCollection.Name)]
public sealed partial class ImageTests(ITestOutputHelper output)
{
    private const string Tag = TestImage.Tag;

    [PodmanFact]
    public async Task TheImageRunsAClusterThatRoundTripsAFileAndACheckpoint()
    {
        var total = Stopwatch.StartNew();
        var build = await TestImage.EnsureBuiltAsync();
        output.WriteLine($"image built in {total.Elapsed.TotalSeconds:F0} s: {build.Stdout.Trim()}");

        var version = (await Podman.RunAsync(TimeSpan.FromMinutes(1), ["run", "--rm", .. Podman.UlimitFlags, Tag, "--version"])).EnsureSuccess("ckptfs --version");
        Assert.Matches(VersionLine(), version.Stdout.Trim());

        await using var podman = new Podman();
        using var work = new TempDirectory("ckptfs-image-test");
        var envFile = work.Combine("settings.env");
        await File.WriteAllLinesAsync(envFile, [.. File.ReadAllLines(Path.Combine(DeployTools.DeployDirectory, "k8s", "base", "settings.env")),
            "CKPTFS_NAMENODE__NAMESPACE__DEFAULTREPLICATION=1"]);
        var network = podman.Network();
        (await podman.RunAsync("network", "create", network)).EnsureSuccess("network create");
        string[] lockedDown = [.. Podman.UlimitFlags, "--network", network, "--env-file", envFile,
            "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"];

        var started = Stopwatch.StartNew();
        var nameNode = podman.Container("namenode");
        var nameNodeVolume = podman.Volume("namenode");
        (await podman.RunAsync(["run", "-d", "--name", nameNode, "--network-alias", "ckptfs-namenode", .. lockedDown,
            "-v", $"{nameNodeVolume}:/var/lib/ckptfs/namenode:U", Tag, "namenode"])).EnsureSuccess("run the NameNode");
        var dataNode = podman.Container("datanode");
        var dataNodeVolume = podman.Volume("datanode");
        (await podman.RunAsync(["run", "-d", "--name", dataNode, "--hostname", "ckptfs-datanode-0", "--network-alias", "ckptfs-datanode-0", .. lockedDown,
            "-e", "CKPTFS_DATANODE__ADVERTISEDHOST=ckptfs-datanode-0", "-e", "CKPTFS_DATANODE__NODEID=ckptfs-datanode-0", "-e", "CKPTFS_DATANODE__LOCATION=/zone-a",
            "-v", $"{dataNodeVolume}:/var/lib/ckptfs/datanode:U", Tag, "datanode"])).EnsureSuccess("run the DataNode");

        var client = await podman.RunAsync(["run", "--rm", "--name", podman.Container("client"), .. lockedDown.Select(f => f == "/tmp" ? "/tmp:size=256m" : f),
            "--entrypoint", "/bin/sh", Tag, "-ec", ClientScript]);
        output.WriteLine($"cluster up and round trips done in {started.Elapsed.TotalSeconds:F0} s; whole test {total.Elapsed.TotalSeconds:F0} s");
        if (client.ExitCode != 0 || !client.Stdout.Contains("ROUND TRIPS OK", StringComparison.Ordinal))
        {
            var nameNodeLog = await podman.RunAsync("logs", "--tail", "40", nameNode);
            var dataNodeLog = await podman.RunAsync("logs", "--tail", "40", dataNode);
            Assert.Fail($"client exited {client.ExitCode}\nstdout:\n{client.Stdout}\nstderr:\n{client.Stderr}\n" +
                $"NameNode log:\n{nameNodeLog.Stdout}{nameNodeLog.Stderr}\nDataNode log:\n{dataNodeLog.Stdout}{dataNodeLog.Stderr}");
        }
        output.WriteLine(client.Stdout);
        Assert.Contains("DataNodes: 1 live", client.Stdout, StringComparison.Ordinal);
        Assert.Contains("ckptfs-datanode-0", client.Stdout, StringComparison.Ordinal);
    }

    // Waits (60 s at most) for the DataNode to register, then the round trips.
    private const string ClientScript = """
        ok=0
        for i in $(seq 1 60); do
          if ckptfs report 2>/dev/null | grep -q 'DataNodes: 1 live'; then ok=1; break; fi
          sleep 1
        done
        [ "$ok" = 1 ] || { echo "no live DataNode after 60 s"; ckptfs report; exit 1; }
        """ + "\n" + RoundTripScript.Text;

    [GeneratedRegex(@"^\d+\.\d+\.\d+")]
    private static partial Regex VersionLine();
}
