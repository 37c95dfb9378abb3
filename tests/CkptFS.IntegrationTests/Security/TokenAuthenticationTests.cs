using System.Text.Json;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Security;

/// <summary>
/// A cluster whose NameNode requires bearer tokens (Authentication:Mode=token), used through the CLI
/// as an operator and a job would: the admin token `cluster start` prints, a token issued for a job's
/// user, and every way a call without valid credentials is refused (exit 5, one line that says what to do).
/// </summary>
public sealed class TokenAuthenticationTests : IAsyncLifetime
{
    private readonly TempDirectory _local = new("ckptfs-tokens");
    private LocalClusterProcesses _cluster = null!;

    public async Task InitializeAsync() => _cluster = await LocalClusterProcesses.StartAsync(3, new Dictionary<string, string>
    {
        ["CKPTFS_NAMENODE__AUTHENTICATION__MODE"] = "token",
        ["CKPTFS_NAMENODE__AUTHENTICATION__SUPERUSERS"] = "ckptfs",
    });

    public Task DisposeAsync()
    {
        _cluster.Dispose();
        _local.Dispose();
        return Task.CompletedTask;
    }

    private string AdminTokenFile => Path.Combine(_cluster.Directory, "namenode", "admin.token");

    private Task<CliResult> As(string? token, params string[] args)
    {
        var environment = new Dictionary<string, string>(_cluster.Environment) { ["USER"] = "root" };
        if (token is not null)
        {
            environment["CKPTFS_TOKEN"] = token;
        }
        return CliRun.RunAsync(args, environment);
    }

    private Task<CliResult> AsAdmin(params string[] args) =>
        CliRun.RunAsync(args, new Dictionary<string, string>(_cluster.Environment) { ["CKPTFS_TOKEN_FILE"] = AdminTokenFile });

    [Fact]
    public async Task ACallWithoutATokenIsRefusedAndSaysWhatIsMissing()
    {
        var refused = await As(null, "ls", "/");
        Assert.Equal(5, refused.ExitCode);
        Assert.Contains("requires a bearer token", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("CKPTFS_TOKEN", refused.Stderr, StringComparison.Ordinal);
        Assert.Single(refused.Stderr.Trim().Split('\n'));

        var garbage = await As("ckt1.42.bm90IGEgc2lnbmF0dXJl", "ls", "/");
        Assert.Equal(5, garbage.ExitCode);
        Assert.Contains("not one this NameNode issued", garbage.Stderr, StringComparison.Ordinal);
        Assert.Equal(5, (await As("Bearer-ish nonsense", "mkdir", "/x")).ExitCode);
    }

    [Fact]
    public async Task AJobWorksWithItsTokenAsItsUserAndCannotActForOthers()
    {
        var whoami = (await AsAdmin("token", "whoami")).EnsureSuccess();
        Assert.Contains("ckptfs (authenticated by token, superuser)", whoami.Stdout, StringComparison.Ordinal);
        (await AsAdmin("mkdir", "-p", "/jobs")).EnsureSuccess();

        var alice = (await AsAdmin("token", "issue", "--user", "alice", "--ttl", "1h")).EnsureSuccess().Stdout.Trim();
        Assert.StartsWith("ckt1.", alice, StringComparison.Ordinal);
        var shard = TestFiles.WriteRandom(_local.Combine("shard.bin"), 3 * 1024 * 1024 + 17, seed: 7);
        (await As(alice, "put", shard, "/jobs/shard.bin")).EnsureSuccess();
        (await As(alice, "get", "/jobs/shard.bin", _local.Combine("back.bin"))).EnsureSuccess();
        Assert.Equal(await File.ReadAllBytesAsync(shard), await File.ReadAllBytesAsync(_local.Combine("back.bin")));
        using (var stat = JsonDocument.Parse((await As(alice, "stat", "--json", "/jobs/shard.bin")).EnsureSuccess().Stdout))
        {
            Assert.Equal("alice", stat.RootElement.GetProperty("owner").GetString());   // the token's user, not $USER (root)
        }

        var forBob = await As(alice, "token", "issue", "--user", "bob");
        Assert.Equal(5, forBob.ExitCode);
        Assert.Contains("only a superuser", forBob.Stderr, StringComparison.Ordinal);
        var own = (await As(alice, "token", "issue", "--ttl", "10m")).EnsureSuccess().Stdout.Trim();
        using var listing = JsonDocument.Parse((await As(own, "token", "ls", "--json")).EnsureSuccess().Stdout);
        Assert.All(listing.RootElement.EnumerateArray(), t => Assert.Equal("alice", t.GetProperty("user").GetString()));
        Assert.Equal(2, listing.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task ExpiredAndRevokedTokensAreRefusedAndEveryCallIsAudited()
    {
        var shortLived = (await AsAdmin("token", "issue", "--user", "carol", "--ttl", "2s")).EnsureSuccess().Stdout.Trim();
        (await As(shortLived, "ls", "/")).EnsureSuccess();
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var expired = await As(shortLived, "ls", "/");
        Assert.Equal(5, expired.ExitCode);
        Assert.Contains("expired", expired.Stderr, StringComparison.Ordinal);

        var dave = (await AsAdmin("token", "issue", "--user", "dave")).EnsureSuccess().Stdout.Trim();
        (await As(dave, "mkdir", "-p", "/dave")).EnsureSuccess();
        (await As(dave, "token", "renew")).EnsureSuccess();
        using (var listing = JsonDocument.Parse((await AsAdmin("token", "ls", "--json")).EnsureSuccess().Stdout))
        {
            var id = listing.RootElement.EnumerateArray().Single(t => t.GetProperty("user").GetString() == "dave").GetProperty("id").GetUInt64();
            (await AsAdmin("token", "revoke", "--id", id.ToString(System.Globalization.CultureInfo.InvariantCulture))).EnsureSuccess();
        }
        var revoked = await As(dave, "ls", "/dave");
        Assert.Equal(5, revoked.ExitCode);

        var audit = Path.Combine(_cluster.Directory, "namenode", "audit.log");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        List<JsonElement> lines = [];
        while (DateTime.UtcNow < deadline)
        {
            lines = ReadLines(audit);
            if (lines.Any(l => l.GetProperty("cmd").GetString() == "GetFileInfo" && l.GetProperty("src").GetString() == "/dave" && !l.GetProperty("allowed").GetBoolean()))
            {
                break;
            }
            await Task.Delay(200);
        }
        Assert.Contains(lines, l => l.GetProperty("cmd").GetString() == "Mkdirs" && l.GetProperty("user").GetString() == "dave" && l.GetProperty("allowed").GetBoolean());
        Assert.Contains(lines, l => l.GetProperty("cmd").GetString() == "IssueToken" && l.GetProperty("user").GetString() == "ckptfs");
        var refused = lines.Where(l => l.GetProperty("src").ValueKind == JsonValueKind.String && l.GetProperty("src").GetString() == "/dave" && !l.GetProperty("allowed").GetBoolean()).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, l =>
        {
            Assert.Equal(JsonValueKind.Null, l.GetProperty("user").ValueKind);   // a refused caller is nobody, whatever its header claims
            Assert.Equal("Unauthenticated", l.GetProperty("error").GetString());
        });
    }

    private static List<JsonElement> ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }
}
