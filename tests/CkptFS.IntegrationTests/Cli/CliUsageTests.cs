using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Cli;

/// <summary>
/// The CLI as a Unix tool, against a NameNode with no DataNodes: help only from -h/--help, usage
/// errors as one line and exit 2, the README's exit codes, paths normalized as `hdfs dfs` does.
/// </summary>
public sealed class CliUsageTests(NameNodeFixture fixture) : IClassFixture<NameNodeFixture>
{
    private readonly Dictionary<string, string> _env = new() { ["CKPTFS_NAMENODE"] = fixture.NameNode.Address, ["CKPTFS_HOME"] = "/home/tester" };

    private Task<CliResult> Cli(params string[] args) => CliRun.RunAsync(args, _env);

    [Theory]
    [InlineData("/h")]
    [InlineData("/?")]
    public async Task APathThatLooksLikeAWindowsHelpFlagIsAPath(string path)
    {
        var made = (await Cli("mkdir", path)).EnsureSuccess();
        Assert.DoesNotContain("Usage:", made.Stdout, StringComparison.Ordinal);
        (await Cli("stat", path)).EnsureSuccess();
        (await Cli("rm", "-r", path)).EnsureSuccess();
        Assert.Equal(1, (await Cli("stat", path)).ExitCode);
    }

    [Theory]
    [InlineData("unknown option '--bogus'", "put", "--bogus", "F", "/d")]
    [InlineData("unknown option '-?'", "mkdir", "-?")]
    [InlineData("Required argument", "put")]
    [InlineData("expected a whole number", "put", "-r", "abc", "a", "/b")]
    [InlineData("between 1 and 512, not 0", "put", "-r", "0", "a", "/b")]
    [InlineData("between 1 and 256, not 0", "get", "--parallel", "0", "/a", "b")]
    [InlineData("STEP must be a whole number", "ckpt", "save", "/j", "x", "d")]
    [InlineData("'bash'", "completion", "fish")]
    [InlineData("expected host:port", "ls", "/", "--namenode", "bad")]
    [InlineData("between 1 and 64, not 0", "cluster", "start", "--dir", "/tmp/never-made", "--datanodes", "0")]
    [InlineData("between 1 and 4096, not 0", "bench", "ckpt", "--shards", "0")]
    public async Task UsageErrorsAreOneLineAHintAndExitTwo(string expected, params string[] args)
    {
        var result = await Cli(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length <= 2, result.Stderr);
        Assert.StartsWith("ckptfs: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        if (lines.Length == 2)
        {
            Assert.Contains("--help", lines[1], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HelpComesFromDashHAndDashDashHelpOnly()
    {
        Assert.Contains("Usage:", (await Cli("mkdir", "-h")).EnsureSuccess().Stdout, StringComparison.Ordinal);
        Assert.Contains("Usage:", (await Cli("ckpt", "tensor", "--help")).EnsureSuccess().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExitCodesFollowTheReadmeTable()
    {
        Assert.Equal(1, (await Cli("mkdir", "/no/such/parent")).ExitCode);
        Assert.Equal(1, (await Cli("rm", "/missing")).ExitCode);
        Assert.Equal(1, (await Cli("cat", "/missing")).ExitCode);
        Assert.Equal(1, (await Cli("ckpt", "latest", "/nojob")).ExitCode);
        var unreachable = await CliRun.RunAsync(["mkdir", "/x", "--namenode", "127.0.0.1:1", "--namenode-wait", "0"]);
        Assert.Equal(3, unreachable.ExitCode);
        Assert.Contains("Connection refused. Is it running?", unreachable.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, (await CliRun.RunAsync(["ckpt", "ls", "/j", "--namenode", "127.0.0.1:1", "--namenode-wait", "0"])).ExitCode);
    }

    [Fact]
    public async Task APutWithNoDataNodeIsAStorageFailureNotAnUnreachableNameNode()
    {
        using var local = new TempDirectory("ckptfs-cli-nodn");
        var file = TestFiles.WriteRandom(local.Combine("f.bin"), 1000, seed: 3);
        var result = await CliRun.RunAsync(["put", file, "/nodn.bin", "--namenode-wait", "0"], _env);
        Assert.Equal(4, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ckptfs: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("._COPYING_", line, StringComparison.Ordinal);
        Assert.DoesNotContain("._COPYING_", (await Cli("ls", "/")).EnsureSuccess().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PathsAreNormalizedAndRelativeOnesLiveInTheHomeDirectory()
    {
        (await Cli("mkdir", "-p", "//norm/./a/")).EnsureSuccess();
        (await Cli("touch", "/norm//a/../a/f")).EnsureSuccess();
        Assert.Contains("/norm/a/f", (await Cli("ls", "/norm/a/")).EnsureSuccess().Stdout, StringComparison.Ordinal);
        (await Cli("mkdir", "-p", "rel/dir")).EnsureSuccess();
        (await Cli("stat", "/home/tester/rel/dir")).EnsureSuccess();
        (await Cli("touch", "rel/dir/g")).EnsureSuccess();
        Assert.Contains("/home/tester/rel/dir/g", (await Cli("ls", "rel/dir")).EnsureSuccess().Stdout, StringComparison.Ordinal);
        // No path: the home directory, as `hdfs dfs -ls` and `-du`.
        var home = (await Cli("ls")).EnsureSuccess().Stdout;
        Assert.Contains("/home/tester/rel", home, StringComparison.Ordinal);
        Assert.DoesNotContain("/norm", home, StringComparison.Ordinal);
        Assert.Contains("/home/tester", (await Cli("du", "-s")).EnsureSuccess().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BashAndZshCompletionOfferSubcommandsAndOptions()
    {
        using var local = new TempDirectory("ckptfs-cli-completion");
        var script = local.Combine("ckptfs.bash");
        await File.WriteAllTextAsync(script, (await Cli("completion", "bash")).EnsureSuccess().Stdout);
        var probe = await CliRun.RunAsync(["bash", "-c",
            $"source '{script}'; COMP_WORDS=(ckptfs ckpt te); COMP_CWORD=2; _ckptfs; echo \"${{COMPREPLY[*]}}\"; " +
            "COMP_WORDS=(ckptfs put --re); COMP_CWORD=2; _ckptfs; echo \"${COMPREPLY[*]}\""], useShell: true);
        Assert.Equal(["tensor", "--replication"], probe.EnsureSuccess().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var zsh = (await Cli("completion", "zsh")).EnsureSuccess().Stdout;
        Assert.StartsWith("#compdef ckptfs", zsh, StringComparison.Ordinal);
        var zshScript = local.Combine("_ckptfs");
        await File.WriteAllTextAsync(zshScript, zsh);
        // compadd and _files only work inside a completion widget: stand-ins print what the function offers.
        var zshProbe = await CliRun.RunAsync(["zsh", "-c",
            $"compdef() {{ : }}; source '{zshScript}'; compadd() {{ print -r -- \"$*\" }}; _files() {{ print FILES }}; " +
            "words=(ckptfs ckpt te); CURRENT=3; PREFIX=te; _ckptfs; words=(ckptfs put --re); CURRENT=3; PREFIX=--re; _ckptfs"], useShell: true);
        var offered = zshProbe.EnsureSuccess().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, offered.Length);
        Assert.Contains(" tensor ", offered[0], StringComparison.Ordinal);
        Assert.DoesNotContain(" put ", offered[0], StringComparison.Ordinal);
        Assert.Equal("FILES", offered[1]);
        Assert.Contains(" --replication ", offered[2], StringComparison.Ordinal);
        Assert.DoesNotContain("tensor", offered[2], StringComparison.Ordinal);
    }
}
