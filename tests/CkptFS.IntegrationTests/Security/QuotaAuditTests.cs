using System.Text.Json;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Security;

/// <summary>
/// Quotas and the audit log on a real cluster (a NameNode and 3 DataNodes as processes), through
/// the CLI as a user meets them. Blocks of 64 KiB at replication 3: a block being written charges
/// 192 KiB of space quota.
/// </summary>
public sealed class QuotaAuditTests : IAsyncLifetime
{
    private static readonly TimeSpan AuditWait = TimeSpan.FromSeconds(15);
    private readonly TempDirectory _local = new("ckptfs-quota");
    private LocalClusterProcesses _cluster = null!;

    public async Task InitializeAsync() => _cluster = await LocalClusterProcesses.StartAsync(3);

    public Task DisposeAsync()
    {
        _cluster.Dispose();
        _local.Dispose();
        return Task.CompletedTask;
    }

    private Task<CliResult> Cli(params string[] args) => _cluster.CliAsync(args);

    [Fact]
    public async Task APutThatWouldExceedASpaceQuotaFailsCleanlyAndLeavesNoPartialFile()
    {
        (await Cli("mkdir", "-p", "/q-put")).EnsureSuccess();
        (await Cli("quota", "set", "/q-put", "--space", "512K", "--files", "10")).EnsureSuccess();
        var big = TestFiles.WriteRandom(_local.Combine("big.bin"), 1024 * 1024, seed: 1);

        var put = await Cli("put", "--block-size", "64K", big, "/q-put/big.bin");

        Assert.Equal(1, put.ExitCode);
        Assert.Contains("space quota of /q-put is exceeded: quota = 524288 B (512 KiB)", put.Stderr, StringComparison.Ordinal);
        using (var listing = JsonDocument.Parse((await Cli("ls", "--json", "/q-put")).EnsureSuccess().Stdout))
        {
            Assert.Empty(listing.RootElement.EnumerateArray());   // neither big.bin nor big.bin._COPYING_
        }
        using (var quota = JsonDocument.Parse((await Cli("quota", "--json", "/q-put")).EnsureSuccess().Stdout))
        {
            var row = Assert.Single(quota.RootElement.EnumerateArray());
            Assert.Equal(524288, row.GetProperty("spaceQuota").GetInt64());
            Assert.Equal(0, row.GetProperty("spaceQuotaUsed").GetInt64());
            Assert.Equal(1, row.GetProperty("namespaceUsed").GetInt64());
        }

        // What fits still goes in, and du shows the quota columns (hdfs dfs -count -q).
        var small = TestFiles.WriteRandom(_local.Combine("small.bin"), 30_000, seed: 2);
        (await Cli("put", "--block-size", "64K", small, "/q-put/small.bin")).EnsureSuccess();
        var du = (await Cli("du", "-s", "/q-put")).EnsureSuccess().Stdout;
        Assert.Contains("        10          8       524288          434288", du, StringComparison.Ordinal);
        var shown = (await Cli("quota", "/q-put")).EnsureSuccess().Stdout;
        Assert.Contains("REM_SPACE_QUOTA", shown, StringComparison.Ordinal);

        // ls shows usage against quota on the directory's line, and in its JSON as quota --json does.
        Assert.Contains("/q-put  [quota: files 2 of 10, space ", (await Cli("ls", "/")).EnsureSuccess().Stdout, StringComparison.Ordinal);
        using var root = JsonDocument.Parse((await Cli("ls", "--json", "/")).EnsureSuccess().Stdout);
        var entry = root.RootElement.EnumerateArray().Single(e => e.GetProperty("path").GetString() == "/q-put").GetProperty("quota");
        Assert.Equal((10, 2, 524288, 90000), (entry.GetProperty("namespaceQuota").GetInt64(), entry.GetProperty("namespaceUsed").GetInt64(),
            entry.GetProperty("spaceQuota").GetInt64(), entry.GetProperty("spaceQuotaUsed").GetInt64()));
    }

    [Fact]
    public async Task ACheckpointSaveOverQuotaFailsBeforeCommitAndLatestDoesNotMove()
    {
        const string job = "/q-ckpt/job";
        (await Cli("mkdir", "-p", job)).EnsureSuccess();
        (await Cli("quota", "set", "/q-ckpt", "--space", "1M")).EnsureSuccess();
        var first = Directory.CreateDirectory(_local.Combine("step1")).FullName;
        TestFiles.WriteRandom(Path.Combine(first, "model.bin"), 10_000, seed: 3);
        (await Cli("ckpt", "save", job, "1", first, "-q", "--block-size", "64K")).EnsureSuccess();
        Assert.StartsWith("1 ", (await Cli("ckpt", "latest", job)).EnsureSuccess().Stdout, StringComparison.Ordinal);

        var second = Directory.CreateDirectory(_local.Combine("step2")).FullName;
        TestFiles.WriteRandom(Path.Combine(second, "model.bin"), 2 * 1024 * 1024, seed: 4);
        var save = await Cli("ckpt", "save", job, "2", second, "-q", "--block-size", "64K");

        Assert.NotEqual(0, save.ExitCode);
        Assert.Contains("space quota of /q-ckpt is exceeded", save.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("1 ", (await Cli("ckpt", "latest", job)).EnsureSuccess().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAuditLogHasALineForEachCallOfAScriptedSequenceDeniedOnesIncluded()
    {
        var local = TestFiles.WriteRandom(_local.Combine("f.bin"), 5000, seed: 5);
        (await Cli("mkdir", "-p", "/audit/d")).EnsureSuccess();
        (await Cli("put", local, "/audit/d/f")).EnsureSuccess();
        (await Cli("mv", "/audit/d/f", "/audit/d/g")).EnsureSuccess();
        (await Cli("rm", "/audit/d/g")).EnsureSuccess();
        Assert.Equal(1, (await Cli("mkdir", "/audit/d")).ExitCode);                     // exists: denied
        (await Cli("quota", "set", "/audit", "--files", "3")).EnsureSuccess();
        (await Cli("touch", "/audit/d/x")).EnsureSuccess();                             // /audit, d, x: 3 of 3
        Assert.Equal(1, (await Cli("touch", "/audit/d/y")).ExitCode);                   // quota: denied

        var lines = await WaitForAuditAsync(line => Is(line, "Create", "/audit/d/y"));

        AssertLine(lines, "Mkdirs", "/audit/d", null, allowed: true);
        AssertLine(lines, "Create", "/audit/d/f._COPYING_", null, allowed: true);
        AssertLine(lines, "Complete", "/audit/d/f._COPYING_", "/audit/d/f", allowed: true);   // put's move into place
        AssertLine(lines, "Rename", "/audit/d/f", "/audit/d/g", allowed: true);
        AssertLine(lines, "Delete", "/audit/d/g", null, allowed: true);
        AssertLine(lines, "Mkdirs", "/audit/d", null, allowed: false, error: "FileAlreadyExists", code: 1003);
        AssertLine(lines, "SetQuota", "/audit", null, allowed: true);
        AssertLine(lines, "Create", "/audit/d/x", null, allowed: true);
        AssertLine(lines, "Create", "/audit/d/y", null, allowed: false, error: "QuotaExceeded", code: 1011);
        var any = lines.First(line => Is(line, "Rename", "/audit/d/f"));
        Assert.Equal(Environment.UserName, any.GetProperty("user").GetString());
        Assert.StartsWith("127.0.0.1:", any.GetProperty("client").GetString(), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.UtcNow - any.GetProperty("time").GetDateTimeOffset() < TimeSpan.FromMinutes(5));
    }

    /// <summary>The audit lines so far, once one matches <paramref name="last"/> (the writer is asynchronous); bounded.</summary>
    private async Task<List<JsonElement>> WaitForAuditAsync(Func<JsonElement, bool> last)
    {
        var path = Path.Combine(_cluster.Directory, "namenode", "audit.log");
        var deadline = DateTime.UtcNow + AuditWait;
        while (true)
        {
            var lines = File.Exists(path) ? ReadLines(path) : [];
            if (lines.Any(last))
            {
                return lines;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No expected audit line in {path} after {AuditWait}; it has {lines.Count} lines:\n{string.Join('\n', lines)}");
            }
            await Task.Delay(100);
        }
    }

    private static List<JsonElement> ReadLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            if (line.EndsWith('}'))   // a line being written is complete only with its closing brace
            {
                lines.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }
        return lines;
    }

    private static bool Is(JsonElement line, string command, string source) =>
        line.GetProperty("cmd").GetString() == command && line.GetProperty("src").GetString() == source;

    private static void AssertLine(List<JsonElement> lines, string command, string source, string? destination, bool allowed, string? error = null, int code = 0)
    {
        var found = lines.Any(line => Is(line, command, source)
            && line.GetProperty("dst").GetString() == destination
            && line.GetProperty("allowed").GetBoolean() == allowed
            && (error is null
                ? !line.TryGetProperty("error", out _)
                : line.GetProperty("error").GetString() == error && line.GetProperty("code").GetInt32() == code));
        Assert.True(found, $"No audit line {command} {source} -> {destination} allowed={allowed} {error} in:\n{string.Join('\n', lines)}");
    }
}
