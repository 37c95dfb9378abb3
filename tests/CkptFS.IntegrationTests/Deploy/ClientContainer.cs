using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// A long-lived container of the image on the cluster's network, with the settings ConfigMap as its
/// environment (as the example training Job has it): the place the CLI runs from, as a pod would.
/// Scripts run in it by `podman exec`, with their arguments as $1, $2, ...
/// </summary>
internal sealed class ClientContainer
{
    private ClientContainer(string name) => Name = name;

    public string Name { get; }

    public static async Task<ClientContainer> StartAsync(Podman podman, PodmanCluster cluster, string image)
    {
        var name = podman.Container("client");
        (await podman.RunAsync(["run", "-d", "--name", name, .. Podman.UlimitFlags, "--network", cluster.Network,
            "--env-file", cluster.SettingsEnvFile, "--entrypoint", "/bin/sleep", image, "infinity"])).EnsureSuccess("run the client container");
        return new ClientContainer(name);
    }

    /// <summary>Runs a shell script to its end (set -e); the caller checks the exit code.</summary>
    public Task<ToolResult> ShAsync(string script, TimeSpan timeout, params string[] arguments) =>
        Podman.RunAsync(timeout, ["exec", Name, "/bin/sh", "-ec", script, "sh", .. arguments]);

    /// <summary>Starts a shell script and returns at once; the caller owns the `podman exec` process.</summary>
    public ChildProcess StartSh(string script, params string[] arguments) =>
        ChildProcess.Start(Podman.Executable, ["--runtime", "runc", "exec", Name, "/bin/sh", "-c", script, "sh", .. arguments]);
}
