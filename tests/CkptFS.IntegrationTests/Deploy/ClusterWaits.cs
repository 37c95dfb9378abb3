namespace CkptFS.IntegrationTests.Deploy;

/// <summary>
/// Readiness as seen from a client pod, bounded: the readiness probes that `kube play` does not run.
/// A DataNode is ready when its /readyz answers 200 (registered and first block report sent); a
/// DataNode without /readyz (404: before maintenance mode landed) when its
/// ckptfs_datanode_registered gauge is 1. The cluster is ready when the NameNode is out of safe mode
/// with every DataNode live and each of them ready.
/// </summary>
internal static class ClusterWaits
{
    public static async Task DataNodeReadyAsync(ClientContainer client, string host, TimeSpan timeout)
    {
        var result = await client.ShAsync(DataNodeReadyScript, timeout + TimeSpan.FromSeconds(30), host, ((int)timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (result.ExitCode != 0)
        {
            throw new TimeoutException($"DataNode {host} not ready within {timeout.TotalSeconds} s.\n{result.Stdout}\n{result.Stderr}");
        }
    }

    public static async Task ClusterReadyAsync(ClientContainer client, IReadOnlyList<string> dataNodeHosts, TimeSpan timeout)
    {
        var result = await client.ShAsync(ClusterReadyScript, timeout + TimeSpan.FromSeconds(30),
            dataNodeHosts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), ((int)timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (result.ExitCode != 0)
        {
            throw new TimeoutException($"cluster not ready within {timeout.TotalSeconds} s.\n{result.Stdout}\n{result.Stderr}");
        }
        foreach (var host in dataNodeHosts)
        {
            await DataNodeReadyAsync(client, host, timeout);
        }
    }

    // $1 host, $2 seconds. Polls every 0.25 s.
    private const string DataNodeReadyScript = HttpGetShell.Function + """
        end=$(( $(date +%s) + $2 ))
        while [ "$(date +%s)" -lt "$end" ]; do
          status=$(http_get "$1" 9864 /readyz | head -n1 | cut -d' ' -f2)
          if [ "$status" = 200 ]; then echo "READY $1 readyz"; exit 0; fi
          if [ "$status" = 404 ] && http_get "$1" 9864 /metrics | grep -Eq '^ckptfs_datanode_registered\{.*\} 1$'; then echo "READY $1 registered"; exit 0; fi
          sleep 0.25
        done
        exit 1
        """;

    // $1 DataNodes, $2 seconds.
    private const string ClusterReadyScript = """
        end=$(( $(date +%s) + $2 ))
        while [ "$(date +%s)" -lt "$end" ]; do
          if report=$(CKPTFS_NAMENODE_WAIT=5 ckptfs report 2>/dev/null) && echo "$report" | grep -q '^Safe mode: off' && echo "$report" | grep -q "^DataNodes: $1 live"; then
            echo "$report"; exit 0
          fi
          sleep 0.25
        done
        ckptfs report || true
        exit 1
        """;
}
