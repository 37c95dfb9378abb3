using System.Globalization;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Cli;

/// <summary>`cluster status` and `cluster stop` follow a NameNode restarted by hand on the cluster's folder.</summary>
public sealed class CliClusterTests
{
    [Fact]
    public async Task ANameNodeRestartedByHandIsSeenRunningAndStopped()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(dataNodes: 1);
        var recorded = cluster.NameNodePid;
        using (var old = System.Diagnostics.Process.GetProcessById(recorded))
        {
            old.Kill();
            await old.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        var port = int.Parse(cluster.Address.Split(':')[1], CultureInfo.InvariantCulture);
        using var restarted = await NameNodeProcess.StartOnPortAsync(Path.Combine(cluster.Directory, "namenode"), port);

        var status = await cluster.CliAsync("cluster", "status", "--dir", cluster.Directory);
        Assert.True(status.ExitCode == 0, $"status exited {status.ExitCode}:\n{status.Stdout}\n{status.Stderr}");
        Assert.Contains("running (restarted)", status.Stdout, StringComparison.Ordinal);
        Assert.Contains(restarted.Process.Pid.ToString(CultureInfo.InvariantCulture), status.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("NOT RUNNING", status.Stdout, StringComparison.Ordinal);

        (await cluster.CliAsync("cluster", "stop", "--dir", cluster.Directory)).EnsureSuccess();
        Assert.Equal(0, await restarted.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}
