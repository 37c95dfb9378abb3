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

    [FuseFact]
    public Task EveryErrnoOfTheTable() =>
        ErrnosAsync("enoent", "eexist", "enotempty", "eisdir", "enotdir", "eopnotsupp", "ebusy_commit", "eacces", "eperm", "einval");

    [FuseFact(Skip = "Mount bug: a second open for write (O_WRONLY|O_TRUNC) of a file another process is writing through the same mount succeeds instead of EBUSY, replaces the file, and the first writer's close fails with EIO (its bytes are lost). CkptFsFileSystem.Open never checks HandleTable.WriterOf(path); the NameNode lets the mount's one lease holder re-create its own file.")]
    public Task EbusyForASecondWriterOfTheSameFile() => ErrnosAsync("ebusy_writer");

    [FuseFact(Skip = "Mount bug (README vs behaviour): a hard link gives EPERM and mknod/mkfifo give ENOSYS; the README's errno table says EOPNOTSUPP. FuseCallbacks leaves the link (8) and mknod (2) slots empty.")]
    public Task EopnotsuppForHardLinksAndDeviceFiles() => ErrnosAsync("eopnotsupp_nodes");

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

    /// <summary>The commit itself (always part of the script): shards, rename, latest, torch.load via latest, ckpt latest/ls/show.</summary>
    [FuseFact]
    public Task TheCheckpointIdiomCommitsAndLatestResumes() => CheckpointIdiomAsync();

    [FuseFact(Skip = "Mount bug: readdir gives `latest` (and . and ..) inode number 0, and glibc's readdir(3) skips entries whose d_ino is 0, so `ls -a JOB` and os.listdir(JOB) do not show `latest` (strace shows it in getdents64 with d_ino=0). FuseCallbacks.ReadDir/CkptFsFileSystem.ReadDir: LinkAttributes and the '.'/'..' attributes carry no inode.")]
    public Task TheJobFolderListsLatest() => CheckpointIdiomAsync("listing");

    [FuseFact(Skip = "Mount bug: a saving process killed (-9) mid-shard gets its shard completed (with a shard record), so the rename commits the step and latest moves to it. Root cause: ClosingProcess.Parse reads the exit code (field 52) of the real /proc/TID/stat, which ends in a newline ('... 9\\n'), with NumberStyles.AllowLeadingSign only, so int.TryParse fails, Parse returns null and WasKilled is false: the flush of the dying process completes the file (no 'was killed' log line).")]
    public Task AKilledSaverLeavesLatestUnchanged() => CheckpointIdiomAsync("killed");

    [FuseFact(Skip = "Mount bug: os.makedirs(JOB/.pending/step-N+1) right after the rename that committed step N fails with ENOENT: the commit removes JOB/.pending on the NameNode but the mount's attribute cache and the kernel's 1 s entry cache still show it, so makedirs skips it and mkdir of the step finds no parent. Commit does not forget JOB/.pending (CkptFsFileSystem.Commit).")]
    public Task ASaveRightAfterACommitWorks() => CheckpointIdiomAsync("backtoback");

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
