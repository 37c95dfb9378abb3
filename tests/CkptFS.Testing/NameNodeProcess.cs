using System.Text.RegularExpressions;

namespace CkptFS.Testing;

/// <summary>A real `ckptfs namenode` process on 127.0.0.1 with free ports, started through the launcher.</summary>
public sealed partial class NameNodeProcess : IDisposable
{
    private NameNodeProcess(ChildProcess process, string address, string httpAddress)
    {
        Process = process;
        Address = address;
        HttpAddress = httpAddress;
    }

    public ChildProcess Process { get; }

    /// <summary>RPC address, HOST:PORT.</summary>
    public string Address { get; }

    public string HttpAddress { get; }

    public static Task<NameNodeProcess> StartAsync(string dataDirectory, IDictionary<string, string>? environment = null, params string[] extraArguments) =>
        StartOnPortAsync(dataDirectory, 0, environment, extraArguments);

    /// <summary>On a given RPC port (0: a free one): a restart on the same port is what clients and DataNodes see when a pod restarts.</summary>
    public static async Task<NameNodeProcess> StartOnPortAsync(string dataDirectory, int port, IDictionary<string, string>? environment = null, params string[] extraArguments)
    {
        var process = ChildProcess.Start(RepoPaths.Launcher,
            ["namenode", "--data", dataDirectory, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--http-port", "0", .. extraArguments], environment);
        try
        {
            var ready = await process.WaitForLineAsync(ReadyLine(), TimeSpan.FromSeconds(180));
            return new NameNodeProcess(process, ready.Groups["rpc"].Value, ready.Groups["http"].Value);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>kill -9: no shutdown code runs.</summary>
    public void Kill() => Process.Kill();

    public void Dispose() => Process.Dispose();

    [GeneratedRegex(@"NameNode listening: rpc=(?<rpc>\S+) http=(?<http>\S+)")]
    private static partial Regex ReadyLine();
}
