using System.Net.Http;
using System.Text.Json;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>The CLI as a user meets it: help everywhere, one clear line per error, exit codes, JSON.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new("ckptfs-cli");
    private NameNodeProcess _nameNode = null!;
    private Dictionary<string, string> _env = null!;

    public async Task InitializeAsync()
    {
        try
        {
            _nameNode = await NameNodeProcess.StartAsync(_data.Path);
        }
        catch
        {
            _data.Dispose();   // xUnit does not call DisposeAsync when InitializeAsync fails: the folder would stay in /tmp
            throw;
        }
        _env = new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = _nameNode.Address };
    }

    public Task DisposeAsync()
    {
        _nameNode.Dispose();
        _data.Dispose();
        return Task.CompletedTask;
    }

    private Task<CliResult> Cli(params string[] args) => CliRun.RunAsync(args, _env);

    [Theory]
    [InlineData("mkdir", "/a/b/c", "-p")]
    [InlineData("ls", "/nope", "no such file")]
    [InlineData("stat", "relative/path", "/user/")]
    [InlineData("rm", "/", "root")]
    [InlineData("mv", "/nope", "/x")]
    public async Task ErrorsAreOneClearLineAndExitNonZero(string command, string path, string expected)
    {
        var args = command == "mv" ? [command, path, expected] : new[] { command, path };
        var result = await Cli(args);
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ckptfs: ", line, StringComparison.Ordinal);
        if (command != "mv")
        {
            Assert.Contains(expected, line, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task RecursiveDeleteNeedsDashRAndForceIgnoresMissing()
    {
        (await Cli("mkdir", "-p", "/d/e")).EnsureSuccess();
        var refused = await Cli("rm", "/d");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("not empty", refused.Stderr, StringComparison.Ordinal);
        (await Cli("rm", "-r", "/d")).EnsureSuccess();
        (await Cli("rm", "-f", "/d")).EnsureSuccess();
        Assert.Equal(1, (await Cli("rm", "/d")).ExitCode);
    }

    [Fact]
    public async Task StatAndLsSpeakJson()
    {
        (await Cli("mkdir", "-p", "/j/k")).EnsureSuccess();
        (await Cli("touch", "/j/f")).EnsureSuccess();
        using var stat = JsonDocument.Parse((await Cli("stat", "--json", "/j/f")).EnsureSuccess().Stdout);
        Assert.Equal("file", stat.RootElement.GetProperty("type").GetString());
        Assert.Equal(0, stat.RootElement.GetProperty("length").GetInt64());
        Assert.Equal(3, stat.RootElement.GetProperty("replication").GetInt32());
        Assert.Equal("0644", stat.RootElement.GetProperty("permission").GetString());
        using var ls = JsonDocument.Parse((await Cli("ls", "--json", "/j")).EnsureSuccess().Stdout);
        Assert.Equal(["/j/f", "/j/k"], ls.RootElement.EnumerateArray().Select(e => e.GetProperty("path").GetString()));
        var text = (await Cli("ls", "/j")).EnsureSuccess().Stdout;
        Assert.Contains("drwxr-xr-x", text, StringComparison.Ordinal);
        Assert.Contains("-rw-r--r--", text, StringComparison.Ordinal);
        var du = (await Cli("du", "-s", "/j")).EnsureSuccess().Stdout;
        Assert.Contains("/j", du, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableNameNodeSaysWhatToDo()
    {
        var result = await CliRun.RunAsync(["ls", "/", "--namenode", "127.0.0.1:1", "--namenode-wait", "1s"]);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Gave up after waiting", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Cannot reach the NameNode at 127.0.0.1:1", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("ckptfs namenode", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("namenode")]
    [InlineData("mkdir")]
    [InlineData("touch")]
    [InlineData("ls")]
    [InlineData("stat")]
    [InlineData("mv")]
    [InlineData("rm")]
    [InlineData("du")]
    [InlineData("bench")]
    public async Task EveryCommandHasHelp(string command)
    {
        var result = (await Cli(command, "--help")).EnsureSuccess();
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(command, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpEndpointsAnswer()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal("ok", (await http.GetStringAsync($"http://{_nameNode.HttpAddress}/healthz")).Trim());
        Assert.Equal("ready", (await http.GetStringAsync($"http://{_nameNode.HttpAddress}/readyz")).Trim());
        var metrics = await http.GetStringAsync($"http://{_nameNode.HttpAddress}/metrics");
        Assert.Contains("ckptfs_namenode_inodes", metrics, StringComparison.Ordinal);
    }
}
