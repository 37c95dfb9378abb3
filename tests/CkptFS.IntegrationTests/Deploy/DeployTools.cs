using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// The external tools the deployment tests run (kubectl, node, podman), found on PATH, and a bounded
/// run of one of them. A missing tool makes its tests skip with the reason (see the Fact attributes).
/// </summary>
internal static class DeployTools
{
    public static string DeployDirectory => Path.Combine(RepoPaths.Root, "deploy");

    public static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    public static string? KubectlMissingReason =>
        Which("kubectl") is null
            ? "kubectl is not installed: Debian has no package for it; scripts/setup.sh installs it when an apt source offers one (Google's Cloud SDK repository)."
            : null;

    public static string? PodmanMissingReason =>
        Which("podman") is null ? "podman is not installed (scripts/setup.sh installs it from Debian)." : null;

    /// <summary>Runs a tool to its end within <paramref name="timeout"/>; returns its exit code and output.</summary>
    public static async Task<ToolResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        using var process = ChildProcess.Start(fileName, arguments, workingDirectory: workingDirectory);
        var exitCode = await process.WaitForExitAsync(timeout);
        return new ToolResult(fileName, exitCode, process.Stdout, process.Stderr);
    }
}
