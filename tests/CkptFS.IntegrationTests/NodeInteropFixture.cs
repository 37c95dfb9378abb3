using System.Text.Json;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>
/// One real NameNode process for <see cref="NodeInteropTests"/>, and the runner of
/// tests/interop/node/client.mjs against it: one `node` process per case, which prints one JSON
/// line of what it observed. The NameNode logs JSON lines (CKPTFS_LOG_FORMAT=json), so that a test
/// can tell whether a case made it log an error.
/// </summary>
public sealed class NodeInteropFixture : IAsyncLifetime
{
    /// <summary>Bound on one `node client.mjs` run (a case takes well under a second; start-up included).</summary>
    private static readonly TimeSpan s_caseTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _data = new("ckptfs-node-interop");

    public NameNodeProcess NameNode { get; private set; } = null!;

    public static string ScriptDirectory => Path.Combine(RepoPaths.Root, "tests", "interop", "node");

    public async Task InitializeAsync()
    {
        if (!Directory.Exists(Path.Combine(ScriptDirectory, "node_modules", "@grpc", "grpc-js")))
        {
            throw new InvalidOperationException(
                $"{ScriptDirectory}/node_modules is missing: run scripts/setup.sh (it runs `npm ci` there).");
        }
        NameNode = await NameNodeProcess.StartAsync(_data.Path, new Dictionary<string, string> { ["CKPTFS_LOG_FORMAT"] = "json" });
    }

    public Task DisposeAsync()
    {
        NameNode?.Dispose();
        _data.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Runs one case; returns its JSON line. Fails with node's output when it printed none or ran too long.</summary>
    public async Task<JsonElement> RunCaseAsync(string name)
    {
        using var node = ChildProcess.Start("node", [Path.Combine(ScriptDirectory, "client.mjs"), NameNode.Address, name], workingDirectory: ScriptDirectory);
        var exitCode = await node.WaitForExitAsync(s_caseTimeout);
        var line = node.Stdout.Split('\n').SingleOrDefault(l => l.StartsWith($$"""{"case":"{{name}}",""", StringComparison.Ordinal));
        if (exitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"node client.mjs {name} exited {exitCode} without its result line.\nstdout:\n{node.Stdout}\nstderr:\n{node.Stderr}");
        }
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>The NameNode's log entries at Error or Fatal so far (its JSON lines on stderr).</summary>
    public IReadOnlyList<string> ErrorLogLines()
    {
        var errors = new List<string>();
        foreach (var line in NameNode.Process.Stderr.Split('\n'))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }
            using var entry = JsonDocument.Parse(line);
            if (entry.RootElement.TryGetProperty("Level", out var level) && level.GetString() is "Error" or "Fatal")
            {
                errors.Add(line);
            }
        }
        return errors;
    }
}
