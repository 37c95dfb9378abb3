using System.Net.Sockets;
using System.Text.Json;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests;

/// <summary>Corrupted bytes, a restarted NameNode, garbage on a data port: nothing wrong reaches a reader.</summary>
public sealed class FaultTests : IDisposable
{
    private readonly TempDirectory _local = new("ckptfs-fault");

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task AFlippedByteInOneReplicaIsReadAroundReportedAndShownByFsck()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3);
        var source = TestFiles.WriteRandom(_local.Combine("victim"), 200_000, seed: 51);
        (await cluster.CliAsync("put", "--block-size", "64K", source, "/corrupt/victim")).EnsureSuccess();
        using var stat = JsonDocument.Parse((await cluster.CliAsync("stat", "--json", "/corrupt/victim")).EnsureSuccess().Stdout);
        var block = stat.RootElement.GetProperty("blocks")[0];
        var blockId = block.GetProperty("blockId").GetUInt64();
        var nearest = block.GetProperty("locations")[0].GetProperty("uuid").GetString()!;
        var replica = Directory.EnumerateFiles(cluster.DataNodeDirectory(nearest), $"blk_{blockId}", SearchOption.AllDirectories)
            .Single(path => path.Contains("finalized", StringComparison.Ordinal));
        FlipByte(replica, 1000);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var back = _local.Combine($"back-{attempt}");
            (await cluster.CliAsync("get", "/corrupt/victim", back)).EnsureSuccess();
            Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(back));
        }
        var fsck = await cluster.CliAsync("fsck", "/corrupt");
        Assert.Equal(1, fsck.ExitCode);
        Assert.Contains("corrupt on", fsck.Stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse((await cluster.CliAsync("fsck", "--json", "/corrupt")).Stdout);
        Assert.False(json.RootElement.GetProperty("healthy").GetBoolean());
        Assert.Equal(1, json.RootElement.GetProperty("corruptBlocks").GetInt32());
        var corruptOn = json.RootElement.GetProperty("problemBlocks")[0].GetProperty("corruptLocations")[0].GetProperty("uuid").GetString();
        Assert.Equal(nearest, corruptOn);
    }

    [Fact]
    public async Task AfterANameNodeRestartEveryClosedFileReadsBack()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(3);
        var files = Enumerable.Range(0, 4).Select(i => TestFiles.WriteRandom(_local.Combine($"f{i}"), 150_000 * (i + 1), seed: 60 + i)).ToList();
        foreach (var (file, i) in files.Select((f, i) => (f, i)))
        {
            (await cluster.CliAsync("put", "--block-size", "64K", file, $"/restart/f{i}")).EnsureSuccess();
        }
        var state = cluster.State().GetProperty("nameNode");
        var port = cluster.Address.Split(':')[1];
        using (var original = System.Diagnostics.Process.GetProcessById(state.GetProperty("pid").GetInt32()))
        {
            original.Kill();
            await original.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        using var restarted = ChildProcess.Start(RepoPaths.Launcher,
            ["namenode", "--data", state.GetProperty("dataDirectory").GetString()!, "--port", port, "--http-port", "0"]);
        await restarted.WaitForLineAsync(new System.Text.RegularExpressions.Regex("NameNode listening"), TimeSpan.FromSeconds(120));

        // The DataNodes re-register and report; the NameNode leaves safe mode when enough blocks are known.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var report = await cluster.CliAsync("report", "--json");
            if (report.ExitCode == 0 && JsonDocument.Parse(report.Stdout).RootElement is var root
                && !root.GetProperty("safeMode").GetBoolean() && root.GetProperty("missingBlocks").GetInt64() == 0
                && root.GetProperty("datanodes").EnumerateArray().Count(n => n.GetProperty("state").GetString() == "live") == 3)
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the cluster did not recover: {report.Stdout}{report.Stderr}\n{restarted.Stderr}");
            await Task.Delay(200);
        }
        foreach (var (file, i) in files.Select((f, i) => (f, i)))
        {
            var back = _local.Combine($"back{i}");
            (await cluster.CliAsync("get", $"/restart/f{i}", back)).EnsureSuccess();
            Assert.Equal(TestFiles.Sha256(file), TestFiles.Sha256(back));
        }
        restarted.Kill();
    }

    [Fact]
    public async Task GarbageOnADataPortIsRejectedAndTheDataNodeKeepsServing()
    {
        using var cluster = await LocalClusterProcesses.StartAsync(1);
        var address = cluster.State().GetProperty("dataNodes")[0].GetProperty("address").GetString()!.Split(':');
        var random = new Random(71);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(address[0], int.Parse(address[1], System.Globalization.CultureInfo.InvariantCulture)).WaitAsync(TimeSpan.FromSeconds(10));
            var garbage = new byte[1 + random.Next(4096)];
            random.NextBytes(garbage);
            var stream = socket.GetStream();
            await stream.WriteAsync(garbage).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            var buffer = new byte[4096];
            try
            {
                // The DataNode answers with an error or closes the connection; it must not hang.
                while (await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30)) > 0)
                {
                }
            }
            catch (IOException)
            {
            }
        }
        var source = TestFiles.WriteRandom(_local.Combine("after-garbage"), 100_000, seed: 72);
        (await cluster.CliAsync("put", "-r", "1", source, "/after-garbage")).EnsureSuccess();
        var back = _local.Combine("after-garbage.back");
        (await cluster.CliAsync("get", "/after-garbage", back)).EnsureSuccess();
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(back));
    }

    private static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0xFF));
    }
}
