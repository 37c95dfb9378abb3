using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CkptFS.Client;
using CkptFS.Common;
using CkptFS.Protocol.V1;
using CkptFS.Testing;
using Xunit.Abstractions;

namespace CkptFS.IntegrationTests;

/// <summary>
/// Clients ride through a NameNode restart (a pod restart or an upgrade): the NameNode killed -9 in
/// the middle of a put and started again on the same metadata folder and port. The block pipeline to
/// the DataNodes goes on meanwhile; only the NameNode calls (AddBlock, Complete) wait, within
/// <see cref="CkptFsClientOptions.NameNodeWait"/>, and the put completes byte for byte. A NameNode that
/// stays down makes a call give up after NameNodeWait, saying how long it waited.
/// </summary>
public sealed class NameNodeRideThroughTests(ITestOutputHelper output) : IDisposable
{
    private const int BlockSize = 8 * 1024 * 1024;
    private const int FileBytes = 300 * 1024 * 1024;
    private const int ChunkBytes = 1024 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(240);
    private readonly TempDirectory _data = new("ckptfs-ride");
    private readonly List<ChildProcess> _dataNodes = [];

    public void Dispose()
    {
        foreach (var node in _dataNodes)
        {
            node.Dispose();
        }
        _data.Dispose();
    }

    [Fact]
    public async Task APutRidesThroughANameNodeKilledAndRestartedOnTheSamePort()
    {
        var port = FreePorts.Next();
        var metadata = _data.Combine("namenode");
        var nameNode = await NameNodeProcess.StartOnPortAsync(metadata, port);
        NameNodeProcess? restarted = null;
        try
        {
            await StartDataNodesAsync(nameNode.Address, 3);
            var data = TestFiles.RandomBytes(FileBytes, seed: 311);
            using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = nameNode.Address });
            await WaitForLiveDataNodesAsync(client, 3);

            var stalls = new StallClock();
            var put = Task.Run(() => PutAsync(client, "/ride/through.bin", data, stalls));
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.False(put.IsCompleted, $"The put ended before the NameNode was killed ({put.Status}, {stalls.Bytes} bytes): the test proves nothing.");
            var writtenAtKill = stalls.Bytes;
            nameNode.Kill();
            await nameNode.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
            var killed = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(0.5));
            restarted = await NameNodeProcess.StartOnPortAsync(metadata, port);
            var listeningAfter = killed.Elapsed;

            await put.WaitAsync(Timeout);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"killed at {writtenAtKill / (1 << 20)} MiB written; restarted NameNode listening {listeningAfter.TotalSeconds:0.00} s after the kill; " +
                $"put of {FileBytes >> 20} MiB took {stalls.Total.TotalSeconds:0.0} s, longest stall {stalls.Longest.TotalSeconds:0.00} s (a 1 MiB write or the close)"));

            var status = await client.GetFileInfoAsync("/ride/through.bin").WaitAsync(Timeout);
            Assert.Equal((ulong)FileBytes, status.Length);
            await AssertReadsBackAsync(client, "/ride/through.bin", data);
        }
        finally
        {
            restarted?.Dispose();
            nameNode.Dispose();
        }
    }

    [Fact]
    public async Task ACallGivesUpAfterNameNodeWaitWhenTheNameNodeStaysDown()
    {
        string address;
        using (var nameNode = await NameNodeProcess.StartAsync(_data.Combine("namenode")))
        {
            address = nameNode.Address;
            (await CliRun.RunAsync(["mkdir", "/before", "--namenode", address])).EnsureSuccess();
            nameNode.Kill();
            await nameNode.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        // The SDK: a 2 s wait.
        using (var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = address, NameNodeWait = TimeSpan.FromSeconds(2) }))
        {
            var stopwatch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<CkptFsException>(() => client.MkdirsAsync("/after").WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Equal(ErrorCode.Unavailable, error.Code);
            Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));
            Assert.Matches(new Regex(@"Cannot reach the NameNode at .*Gave up after waiting 2(\.\d)? s"), error.Message);
        }

        // The CLI: --namenode-wait, and CKPTFS_NAMENODE_WAIT.
        var cli = Stopwatch.StartNew();
        var flag = await CliRun.RunAsync(["mkdir", "/after", "--namenode", address, "--namenode-wait", "1s"], timeout: TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, flag.ExitCode);
        Assert.Contains("Gave up after waiting 1", flag.Stderr, StringComparison.Ordinal);
        var environment = new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = address, ["CKPTFS_NAMENODE_WAIT"] = "1.5" };
        var variable = await CliRun.RunAsync(["mkdir", "/after"], environment, timeout: TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, variable.ExitCode);
        Assert.Contains("Gave up after waiting 1.5", variable.Stderr, StringComparison.Ordinal);
        Assert.True(cli.Elapsed < TimeSpan.FromSeconds(50), $"The CLI runs took {cli.Elapsed}.");
    }

    private static async Task PutAsync(CkptFsClient client, string path, byte[] data, StallClock stalls)
    {
        var options = new CreateFileOptions { BlockSizeBytes = BlockSize, Replication = 3, CreateParents = true };
        var output = await client.CreateAsync(path, options);
        await using (output)
        {
            for (var offset = 0; offset < data.Length; offset += ChunkBytes)
            {
                await output.WriteAsync(data.AsMemory(offset, Math.Min(ChunkBytes, data.Length - offset)));
                stalls.Step(Math.Min(ChunkBytes, data.Length - offset));
            }
            await output.CloseAsync();
            stalls.Step(0);
        }
    }

    private async Task StartDataNodesAsync(string nameNodeAddress, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var node = ChildProcess.Start(RepoPaths.Launcher,
                ["datanode", "--namenode", nameNodeAddress, "--data", _data.Combine($"dn{i}"), "--port", "0", "--http-port", "0", "--id", $"dn{i}"]);
            _dataNodes.Add(node);
            await node.WaitForLineAsync(new Regex("DataNode listening"), Timeout);
        }
    }

    private static async Task WaitForLiveDataNodesAsync(CkptFsClient client, int expected)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var report = await client.GetDatanodeReportAsync().WaitAsync(Timeout);
            if (report.Datanodes.Count(d => d.State == DatanodeState.Live) >= expected && !report.SafeMode)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{expected} live DataNodes not reached.");
            await Task.Delay(100);
        }
    }

    private static async Task AssertReadsBackAsync(CkptFsClient client, string path, byte[] expected)
    {
        await using var input = await client.OpenAsync(path).WaitAsync(Timeout);
        var actual = new byte[expected.Length];
        var read = 0;
        while (read < actual.Length)
        {
            var n = await input.ReadAsync(actual.AsMemory(read)).AsTask().WaitAsync(Timeout);
            Assert.True(n > 0, $"The file ends at {read} of {expected.Length} bytes.");
            read += n;
        }
        Assert.True(expected.AsSpan().SequenceEqual(actual), "The file read back differs from what was put.");
    }

    /// <summary>The longest time between two steps of the put (a write returning, or the close).</summary>
    private sealed class StallClock
    {
        private readonly Stopwatch _total = Stopwatch.StartNew();
        private TimeSpan _last;
        private long _bytes;

        public TimeSpan Longest { get; private set; }

        public TimeSpan Total => _total.Elapsed;

        public long Bytes => Interlocked.Read(ref _bytes);

        public void Step(int bytes)
        {
            var now = _total.Elapsed;
            Longest = now - _last > Longest ? now - _last : Longest;
            _last = now;
            Interlocked.Add(ref _bytes, bytes);
        }
    }
}
