using System.Globalization;
using CkptFS.Client;
using CkptFS.Protocol.V1;
using Xunit.Abstractions;

namespace CkptFS.IntegrationTests.Maintenance;

/// <summary>
/// A NameNode stopped by SIGTERM (a pod stop or an upgrade) during a put loop: it exits 0 well within
/// Kubernetes' 30 s grace; started again on its folder and port, the loop goes on and no put fails
/// (the SDK waits for the NameNode: NameNodeWait, 2 min by default).
/// </summary>
public sealed class NameNodeGracefulStopTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ANameNodeStoppedBySigtermExitsCleanlyAndNoPutFails()
    {
        using var cluster = await RestartCluster.StartAsync(dataNodes: 3);
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = cluster.Address });
        await RestartCluster.WaitReportAsync(client, r => r.Datanodes.Count(d => d.State == DatanodeState.Live) == 3 && !r.SafeMode, "3 live DataNodes");

        var put = new PutLoop(client, "/nnstop", fileBytes: 16 << 20, blockBytes: 8 << 20, replication: 2);
        put.Start();
        await put.WaitForMoreAsync(3, RestartCluster.Timeout);
        var (exitCode, took) = await cluster.StopNameNodeAsync(StopBound);
        Assert.True(exitCode == 0, $"The NameNode exited {exitCode}:\n{cluster.NameNode.Process.Stderr}");
        var putsWhileDown = put.Completed;
        await cluster.StartNameNodeAsync();
        await put.WaitForMoreAsync(3, RestartCluster.Timeout);
        await put.StopAsync(RestartCluster.Timeout);

        Assert.Empty(put.Failures);
        await put.AssertAllReadBackAsync(RestartCluster.Timeout);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"NameNode exited 0 {took.TotalSeconds:0.00} s after SIGTERM; {put.Completed} puts of 16 MiB ({putsWhileDown} before the restart), 0 failed, " +
            $"median {put.Median.TotalSeconds:0.00} s, longest {put.Longest.TotalSeconds:0.00} s"));
    }
}
