using System.Globalization;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// podman as the image test runs it here: with runc (crun cannot set rlimits on this kind of host)
/// and ulimits within the host's hard limits (podman's default of 1048576 files is refused where the
/// hard limit is lower; nproc at most 32768, as deploy/image/build.sh does). Every container,
/// network and volume made through <see cref="CreateName"/> is removed by name on dispose.
/// </summary>
internal sealed class Podman : IAsyncDisposable
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(5);
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _containers = [];
    private readonly List<string> _networks = [];
    private readonly List<string> _volumes = [];

    public static string Executable => DeployTools.Which("podman") ?? throw new InvalidOperationException("podman is not installed.");

    /// <summary>The ulimit flags of `podman run`.</summary>
    public static IReadOnlyList<string> UlimitFlags
    {
        get
        {
            var files = Math.Min(HardLimit("Max open files"), 1_048_576);
            var processes = Math.Min(HardLimit("Max processes"), 32_768);
            return ["--ulimit", $"nofile={files}:{files}", "--ulimit", $"nproc={processes}:{processes}"];
        }
    }

    public string Container(string role) => Track(_containers, $"ckptfs-test-{role}-{_run}");

    public string Network() => Track(_networks, $"ckptfs-test-net-{_run}");

    public string Volume(string role) => Track(_volumes, $"ckptfs-test-{role}-{_run}");

    public Task<ToolResult> RunAsync(params string[] arguments) => RunAsync(s_commandTimeout, arguments);

    public static Task<ToolResult> RunAsync(TimeSpan timeout, params string[] arguments) =>
        DeployTools.RunAsync(Executable, ["--runtime", "runc", .. arguments], timeout);

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await RunAsync("rm", "-f", "-t", "0", container);
        }
        foreach (var network in _networks)
        {
            await RunAsync("network", "rm", "-f", network);
        }
        foreach (var volume in _volumes)
        {
            await RunAsync("volume", "rm", "-f", volume);
        }
    }

    private static string Track(List<string> names, string name)
    {
        names.Add(name);
        return name;
    }

    private static long HardLimit(string name)
    {
        // "Max open files            20000                20000                files"
        var line = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith(name, StringComparison.Ordinal));
        var hard = line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return hard == "unlimited" ? long.MaxValue : long.Parse(hard, CultureInfo.InvariantCulture);
    }
}
