using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using CkptFS.Testing;
using static CkptFS.IntegrationTests.ClusterChecks;
using static CkptFS.IntegrationTests.Mount.MountPrograms;

namespace CkptFS.IntegrationTests.Mount;

/// <summary>
/// The mount when the cluster fails under it (each test on a cluster of its own): the NameNode
/// stopped and restarted, a DataNode killed mid-write, a full disk; and a reader beside a writer,
/// and a read-only mount.
/// </summary>
[Collection("mount")]
public sealed class MountFailureTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(90);

    /// <summary>The README: calls fail with EIO after the client's retries; the brief's bound.</summary>
    private static readonly TimeSpan EioWithin = TimeSpan.FromSeconds(40);

    private const string ErrnoProbe = """
        import errno, os, sys, time
        start = time.monotonic()
        try:
            if sys.argv[1] == "stat":
                os.stat(sys.argv[2])
            elif sys.argv[1] == "write":
                with open(sys.argv[2], "wb") as f:
                    f.write(b"x" * 1000)
            else:
                with open(sys.argv[2], "rb") as f:
                    f.read()
            print("ok", round(time.monotonic() - start, 1))
        except OSError as e:
            print("errno", errno.errorcode.get(e.errno, e.errno), round(time.monotonic() - start, 1))
        """;

    [FuseFact]
    public async Task WhenTheNameNodeIsDownCallsFailWithEioAndTheSameMountWorksOnceItIsBack()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3);
        using var mount = await CkptFsMount.StartAsync(cluster.Address);
        AssertPassed(await PythonCodeAsync("import sys; open(sys.argv[1], 'w').write('before')", Step, mount.Combine("before.txt")), "a write before the NameNode stops", mount);

        var nameNode = cluster.State().GetProperty("nameNode");
        using (var original = Process.GetProcessById(nameNode.GetProperty("pid").GetInt32()))
        {
            original.Kill();
            await original.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        foreach (var (call, path) in new[] { ("stat", "missing-1"), ("write", "new-1.txt") })
        {
            var stopwatch = Stopwatch.StartNew();
            var probe = await PythonCodeAsync(ErrnoProbe, EioWithin + TimeSpan.FromSeconds(20), call, mount.Combine(path));
            Assert.True(probe.Stdout.StartsWith("errno EIO", StringComparison.Ordinal),
                $"{call} with the NameNode down: '{probe.Stdout.Trim()}' (exit {probe.ExitCode}), expected EIO\n{probe.Stderr}\n{Tail(mount.Process.Stderr)}");
            Assert.True(stopwatch.Elapsed < EioWithin, $"{call} took {stopwatch.Elapsed.TotalSeconds:0} s to fail, the bound is {EioWithin.TotalSeconds} s");
        }

        using var restarted = ChildProcess.Start(RepoPaths.Launcher,
            ["namenode", "--data", nameNode.GetProperty("dataDirectory").GetString()!, "--port", cluster.Address.Split(':')[1], "--http-port", "0"]);
        try
        {
            await restarted.WaitForLineAsync(new Regex("NameNode listening"), TimeSpan.FromSeconds(120));
            await WaitUntilAsync(cluster, async () =>
            {
                var report = await cluster.CliAsync("report", "--json");
                return report.ExitCode == 0 && JsonDocument.Parse(report.Stdout).RootElement is var root && !root.GetProperty("safeMode").GetBoolean()
                    && root.GetProperty("datanodes").EnumerateArray().Count(n => n.GetProperty("state").GetString() == "live") == 3;
            }, "the restarted NameNode out of safe mode with 3 live DataNodes", TimeSpan.FromSeconds(90));

            var read = await PythonCodeAsync("import sys; print(open(sys.argv[1]).read())", Step, mount.Combine("before.txt"));
            AssertPassed(read, "a read through the same mount after the NameNode restarted", mount);
            Assert.Contains("before", read.Stdout, StringComparison.Ordinal);
            AssertPassed(await PythonCodeAsync("import sys; open(sys.argv[1], 'w').write('after'); assert open(sys.argv[1]).read() == 'after'", Step, mount.Combine("after.txt")),
                "a write through the same mount after the NameNode restarted", mount);
            (await cluster.CliAsync("stat", "/after.txt")).EnsureSuccess();
        }
        finally
        {
            restarted.Kill();
        }
    }

    [FuseFact]
    public async Task ADataNodeKilledMidWriteIsAbsorbedByPipelineRecovery()
    {
        const int Mib = 96;
        using var cluster = await LocalClusterProcesses.StartAsync(4);
        using var mount = await CkptFsMount.StartAsync(cluster.Address);
        using var writer = ChildProcess.Start(Python, [Script("slow_writer.py"), mount.Combine("big.bin"), "--seed", "51", "--mib", Mib.ToString(), "--pause-at", "40"]);
        await writer.WaitForLineAsync(new Regex("^paused"), Step);

        var blocks = await BlocksAsync(cluster, "/big.bin");
        Assert.True(blocks.Count > 0 && blocks[^1].Nodes.Count == 3, $"expected a 3-node pipeline for the block being written: {string.Join("; ", blocks.Select(b => string.Join(",", b.Nodes)))}");
        var victim = blocks[^1].Nodes[1];
        await cluster.KillDataNodeAsync(victim);
        await writer.StandardInput.WriteAsync("go\n"u8.ToArray());
        await writer.StandardInput.FlushAsync();
        await writer.WaitForLineAsync(new Regex("^(closed|failed)"), TimeSpan.FromMinutes(4));
        Assert.True(writer.Stdout.Contains("closed", StringComparison.Ordinal), $"the write failed after {victim} was killed: {writer.Stdout}\n{Tail(mount.Process.Stderr)}");

        AssertPassed(await PythonAsync("read_check.py", [mount.Combine("big.bin"), "--seed", "51", "--bytes", (Mib << 20).ToString()], Step), "the file read back through the mount", mount);
        using var local = new TempDirectory("ckptfs-dnkill");
        (await cluster.CliAsync("get", "/big.bin", local.Combine("back"))).EnsureSuccess();
        AssertPassed(await PythonAsync("read_check.py", [local.Combine("back"), "--seed", "51", "--bytes", (Mib << 20).ToString()], Step), "the file read back with ckptfs get");
        var after = await BlocksAsync(cluster, "/big.bin");
        Assert.DoesNotContain(victim, after[^1].Nodes);
    }

    [FuseFact]
    public async Task AReaderSeesWhatTheWriterFsyncedWhileItWrites()
    {
        using var mount = await CkptFsMount.StartAsync(fixture.Cluster.Address);
        var path = mount.Combine($"visible-{Guid.NewGuid():N}.bin");
        using var writer = ChildProcess.Start(Python, [Script("slow_writer.py"), path, "--seed", "61", "--mib", "20", "--pause-at", "10"]);
        var paused = await writer.WaitForLineAsync(new Regex(@"^paused (\d+)"), Step);
        var flushed = paused.Groups[1].Value;
        var during = await PythonAsync("read_check.py", [path, "--seed", "61", "--bytes", flushed], Step);
        AssertPassed(during, $"a read of the {flushed} bytes fsynced while the writer holds the file", mount);
        await writer.StandardInput.WriteAsync("go\n"u8.ToArray());
        await writer.StandardInput.FlushAsync();
        await writer.WaitForLineAsync(new Regex("^closed"), Step);
        AssertPassed(await PythonAsync("read_check.py", [path, "--seed", "61", "--bytes", (20 << 20).ToString()], Step), "a read after close", mount);
    }

    [FuseFact]
    public async Task AReadOnlyMountRefusesEveryChangeWithErofs()
    {
        var root = $"/ro-{Guid.NewGuid():N}";
        using var local = new TempDirectory("ckptfs-ro");
        File.WriteAllText(local.Combine("f"), "read-only content\n");
        (await fixture.Cluster.CliAsync("mkdir", "-p", root + "/sub")).EnsureSuccess();
        (await fixture.Cluster.CliAsync("put", local.Combine("f"), root + "/sub/f")).EnsureSuccess();
        using var mount = await CkptFsMount.StartAsync(fixture.Cluster.Address, ["--root", root, "--read-only"]);
        AssertPassed(await PythonAsync("errnos.py", [mount.Combine("sub"), "--only", "erofs"], Step), "errnos.py --only erofs", mount);
        (await fixture.Cluster.CliAsync("stat", root + "/sub/f")).EnsureSuccess();
    }

    [FuseFact]
    public async Task AFullDataNodeDiskSurfacesAsEnospc()
    {
        if (TmpfsMount.UnavailableReason is { } reason)
        {
            Assert.Fail($"needs a tmpfs: {reason}");
        }
        using var disk = TmpfsMount.Create(sizeKiB: 48 * 1024);
        using var data = new TempDirectory("ckptfs-nospc");
        using var nameNode = await NameNodeProcess.StartAsync(data.Path);
        using var dataNode = ChildProcess.Start(RepoPaths.Launcher, ["datanode", "--namenode", nameNode.Address, "--data", disk.Path, "--port", "0", "--http-port", "0", "--id", "dnsmall"]);
        await dataNode.WaitForLineAsync(new Regex("DataNode listening"), Step);
        using var mount = await CkptFsMount.StartAsync(nameNode.Address);
        var result = await PythonAsync("errnos.py", [mount.Combine("nospc"), "--only", "enospc", "--enospc-mib", "100"], Step + Step);
        AssertPassed(result, "errnos.py --only enospc", mount);
    }
}
