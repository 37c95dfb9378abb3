using CkptFS.Testing;
using static CkptFS.IntegrationTests.Mount.MountPrograms;

namespace CkptFS.IntegrationTests.Mount;

/// <summary>
/// The drivers under tests/mount against one mount of the shared cluster: coreutils, the errno
/// table, PyTorch/numpy/safetensors, the checkpoint idiom, many processes at once.
/// </summary>
[Collection("mount")]
public sealed class MountScriptTests(ClusterFixture fixture)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(8);

    private LocalClusterProcesses Cluster => fixture.Cluster;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    /// <summary>cp -r, diff -r, dd of 1 GiB (CKPTFS_MOUNT_TEST_DD_MIB), mv, rm -r, mkdir -p, ls -l, find, stat, df, chmod/chown/touch -d, tar, rsync -a.</summary>
    [FuseFact]
    public async Task CoreutilsWork()
    {
        using var mount = await CkptFsMount.StartAsync(Cluster.Address);
        using var scratch = new TempDirectory("ckptfs-coreutils");
        var result = await RunAsync("bash", [Script("coreutils.sh"), mount.Combine(Unique("coreutils")), scratch.Path], ScriptTimeout,
            new Dictionary<string, string> { ["ATTRS"] = "1", ["DD_MIB"] = Environment.GetEnvironmentVariable("CKPTFS_MOUNT_TEST_DD_MIB") ?? "1024" });
        AssertPassed(result, "coreutils.sh", mount);
    }

    /// <summary>Every row of the README's errno table that a syscall provokes here (EROFS, ENOSPC and EIO: MountFailureTests).</summary>
    [FuseFact]
    public Task EveryErrnoOfTheTable() =>
        ErrnosAsync("enoent", "eexist", "enotempty", "eisdir", "enotdir", "eopnotsupp", "eopnotsupp_nodes", "ebusy_writer", "ebusy_commit", "eacces", "eperm", "einval");

    private async Task ErrnosAsync(params string[] cases)
    {
        using var mount = await CkptFsMount.StartAsync(Cluster.Address);
        var result = await PythonAsync("errnos.py", [mount.Combine(Unique("errnos")), "--only", .. cases], ScriptTimeout);
        AssertPassed(result, $"errnos.py --only {string.Join(' ', cases)}", mount);
    }

    [FuseFact]
    public async Task TorchNumpyAndSafetensorsRoundTrip()
    {
        using var mount = await CkptFsMount.StartAsync(Cluster.Address);
        var result = await PythonAsync("torch_roundtrip.py", [mount.Combine(Unique("torch"))], ScriptTimeout);
        AssertPassed(result, "torch_roundtrip.py", mount);
    }

    /// <summary>
    /// Shards into .pending/step-N, rename, latest (listed, resolving), torch.load via latest, ckpt
    /// latest/ls/show (sizes, CRC32C, tensors); a saver killed (-9) mid-shard leaves latest as it was;
    /// the next step saved right after a commit.
    /// </summary>
    [FuseFact]
    public Task TheCheckpointIdiomCommitsAndLatestResumes() => CheckpointIdiomAsync("listing", "killed", "backtoback");

    private async Task CheckpointIdiomAsync(params string[] parts)
    {
        using var mount = await CkptFsMount.StartAsync(Cluster.Address);
        var job = $"{Unique("idiom")}/jobs/llm";
        var result = await PythonAsync("checkpoint_idiom.py", [mount.Path, job, "--ckptfs", RepoPaths.Launcher, "--only", .. parts], ScriptTimeout,
            new Dictionary<string, string>(Cluster.Environment));
        AssertPassed(result, $"checkpoint_idiom.py --only {string.Join(' ', parts)}", mount);
    }

    [FuseFact]
    public async Task EightProcessesWriteAndReadEachOthersFiles()
    {
        using var mount = await CkptFsMount.StartAsync(Cluster.Address);
        var result = await PythonAsync("concurrent.py", [mount.Combine(Unique("concurrent")), "--processes", "8", "--mib", "24"], ScriptTimeout);
        AssertPassed(result, "concurrent.py", mount);
    }
}
