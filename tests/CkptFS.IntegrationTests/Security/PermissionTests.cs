using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Security;

/// <summary>
/// Permissions on a real cluster with token authentication, through the CLI: two users of one
/// group and a third outside it, each with their own token, as two teams sharing a cluster.
/// </summary>
public sealed class PermissionTests : IAsyncLifetime
{
    private readonly TempDirectory _local = new("ckptfs-permissions");
    private LocalClusterProcesses _cluster = null!;
    private readonly Dictionary<string, string> _tokens = [];

    public async Task InitializeAsync()
    {
        _cluster = await LocalClusterProcesses.StartAsync(3, new Dictionary<string, string>
        {
            ["CKPTFS_NAMENODE__AUTHENTICATION__MODE"] = "token",
            ["CKPTFS_NAMENODE__PERMISSIONS__ENABLED"] = "true",
            ["CKPTFS_NAMENODE__PERMISSIONS__GROUPS"] = "alice=ml;bob=ml",
        });
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            _tokens[user] = (await AsAdmin("token", "issue", "--user", user)).EnsureSuccess().Stdout.Trim();
            (await AsAdmin("mkdir", "-p", $"/home/{user}")).EnsureSuccess();
            (await AsAdmin("chown", $"{user}:ml", $"/home/{user}")).EnsureSuccess();
        }
    }

    public Task DisposeAsync()
    {
        _cluster.Dispose();
        _local.Dispose();
        return Task.CompletedTask;
    }

    private Task<CliResult> AsAdmin(params string[] args) =>
        CliRun.RunAsync(args, new Dictionary<string, string>(_cluster.Environment) { ["CKPTFS_TOKEN_FILE"] = Path.Combine(_cluster.Directory, "namenode", "admin.token") });

    private Task<CliResult> As(string user, params string[] args) =>
        CliRun.RunAsync(args, new Dictionary<string, string>(_cluster.Environment) { ["CKPTFS_TOKEN"] = _tokens[user] });

    [Fact]
    public async Task AUserCannotReadOverwriteRenameOrDeleteAnotherUsersPrivateFile()
    {
        var secret = TestFiles.WriteRandom(_local.Combine("secret.bin"), 200_000, seed: 1);
        (await As("bob", "put", secret, "/home/bob/secret.bin")).EnsureSuccess();
        (await As("bob", "chmod", "600", "/home/bob/secret.bin")).EnsureSuccess();

        var read = await As("alice", "get", "/home/bob/secret.bin", _local.Combine("stolen.bin"));
        Assert.Equal(5, read.ExitCode);
        Assert.Contains("Permission denied: user=alice, access=READ, inode=\"/home/bob/secret.bin\":bob:ml:-rw-------", read.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_local.Combine("stolen.bin")));
        Assert.Equal(5, (await As("alice", "put", "-f", secret, "/home/bob/secret.bin")).ExitCode);
        Assert.Equal(5, (await As("alice", "mv", "/home/bob/secret.bin", "/home/alice/mine.bin")).ExitCode);
        Assert.Equal(5, (await As("alice", "rm", "/home/bob/secret.bin")).ExitCode);
        Assert.Equal(5, (await As("alice", "chmod", "644", "/home/bob/secret.bin")).ExitCode);

        (await As("bob", "get", "/home/bob/secret.bin", _local.Combine("back.bin"))).EnsureSuccess();
        Assert.Equal(await File.ReadAllBytesAsync(secret), await File.ReadAllBytesAsync(_local.Combine("back.bin")));
    }

    [Fact]
    public async Task GroupMembersShareWhatTheGroupMayWriteAndOthersOnlyRead()
    {
        (await As("alice", "mkdir", "/home/alice/team")).EnsureSuccess();
        (await As("alice", "chmod", "775", "/home/alice/team")).EnsureSuccess();
        (await As("alice", "chmod", "755", "/home/alice")).EnsureSuccess();
        var file = TestFiles.WriteRandom(_local.Combine("f.bin"), 10_000, seed: 2);

        (await As("bob", "put", file, "/home/alice/team/from-bob.bin")).EnsureSuccess();    // ml: rwx
        var carol = await As("carol", "put", file, "/home/alice/team/from-carol.bin");       // other: r-x
        Assert.Equal(5, carol.ExitCode);
        Assert.Contains("access=WRITE", carol.Stderr, StringComparison.Ordinal);
        (await As("carol", "ls", "/home/alice/team")).EnsureSuccess();
        Assert.Equal(5, (await As("alice", "chown", "carol", "/home/alice/team")).ExitCode);   // chown: superusers only
        Assert.Equal(5, (await As("carol", "chgrp", "ml", "/home/carol")).ExitCode);          // carol is not in ml
    }

    [Fact]
    public async Task AUserCannotCommitACheckpointIntoAnotherUsersJob()
    {
        var folder = Directory.CreateDirectory(_local.Combine("ckpt")).FullName;
        TestFiles.WriteRandom(Path.Combine(folder, "rank0.pt"), 100_000, seed: 3);
        (await As("bob", "ckpt", "save", "/home/bob/job", "1", folder)).EnsureSuccess();

        var intrusion = await As("alice", "ckpt", "save", "/home/bob/job", "2", folder);
        Assert.Equal(5, intrusion.ExitCode);
        Assert.Contains("Permission denied: user=alice", intrusion.Stderr, StringComparison.Ordinal);
        var latest = (await As("bob", "ckpt", "latest", "/home/bob/job")).EnsureSuccess();
        Assert.Contains("1", latest.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("2", latest.Stdout.Replace("/home/bob/job", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
