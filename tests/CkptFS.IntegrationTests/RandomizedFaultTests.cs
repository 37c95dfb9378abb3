using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CkptFS.Testing;
using Xunit.Abstractions;

namespace CkptFS.IntegrationTests;

/// <summary>
/// Several writers and readers for a bounded time while a seeded schedule kills (-9), pauses
/// (SIGSTOP/SIGCONT) and restarts DataNodes. The seed is printed; CKPTFS_FAULT_SEED replays a run.
/// At the end every invariant holds: every write completed with its bytes, every file reads back
/// byte-identical, replicas converge, no file is left open, every finalized replica verifies.
/// </summary>
public sealed class RandomizedFaultTests(ITestOutputHelper output) : IDisposable
{
    private const long MiB = 1024 * 1024;
    private const int DataNodes = 5;
    private const int MaxDown = 2;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _local = new("ckptfs-chaos");

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task WritersAndReadersSurviveASeededScheduleOfKilledPausedAndRestartedDataNodes()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CKPTFS_FAULT_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        output.WriteLine($"fault schedule seed {seed} (replay with CKPTFS_FAULT_SEED={seed})");
        var settings = new Dictionary<string, string>(LeaseRecoveryTests.FastLeases)
        {
            ["CKPTFS_NAMENODE__DATANODES__STALEINTERVAL"] = "00:00:03",
            ["CKPTFS_NAMENODE__DATANODES__RECHECKINTERVAL"] = "00:00:01",
            ["CKPTFS_NAMENODE__DATANODES__DISCONNECTGRACE"] = "00:00:02",
        };
        using var cluster = await LocalClusterProcesses.StartAsync(DataNodes, settings);
        using var chaos = new DataNodeChaos(cluster, settings, new Random(seed), output);
        var random = new Random(seed ^ 0x5EED);
        var finished = new List<(string Path, int Seed, long Size, int Exit, string Stdout)>();
        var active = new List<(SlowWriter Writer, long Size)>();
        var reads = 0;
        var next = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < Duration)
            {
                while (active.Count < 3)
                {
                    var size = (4 * MiB) + random.NextInt64(12 * MiB);
                    active.Add((SlowWriter.Start(cluster.Address, $"/chaos/w-{next}", 1000 + next, size, flushEvery: MiB, pauseMs: 2, blockSize: 2 * MiB), size));
                    next++;
                }
                foreach (var done in active.Where(a => a.Writer.Process.HasExited).ToList())
                {
                    finished.Add((done.Writer.Path, done.Writer.Seed, done.Size, done.Writer.Process.ExitCode, done.Writer.Process.Stdout + done.Writer.Process.Stderr));
                    done.Writer.Dispose();
                    active.Remove(done);
                }
                await chaos.StepAsync(clock.Elapsed);
                if (finished.Count > 0 && random.Next(3) == 0)
                {
                    var file = finished[random.Next(finished.Count)];
                    if (file.Exit == 0)
                    {
                        await ClusterInvariants.AssertPatternFileAsync(cluster, file.Path, file.Seed, file.Size, file.Size, _local);
                        reads++;
                    }
                }
                await Task.Delay(500);
            }
            await chaos.HealAsync();
            foreach (var (writer, size) in active)
            {
                var exit = await writer.Process.WaitForExitAsync(TimeSpan.FromSeconds(180));
                finished.Add((writer.Path, writer.Seed, size, exit, writer.Process.Stdout + writer.Process.Stderr));
            }
        }
        finally
        {
            active.ForEach(a => a.Writer.Dispose());
        }
        output.WriteLine($"{finished.Count} writes, {reads} reads during the run, {chaos.Actions} faults: {string.Join("; ", chaos.Log)}");

        foreach (var file in finished)
        {
            Assert.True(file.Exit == 0, $"seed {seed}: the write of {file.Path} failed ({file.Exit}):\n{file.Stdout}\nfaults: {string.Join("; ", chaos.Log)}");
            await ClusterInvariants.AssertPatternFileAsync(cluster, file.Path, file.Seed, file.Size, file.Size, _local);
        }
        await ClusterInvariants.AssertConvergedAsync(cluster, "/chaos", TimeSpan.FromSeconds(120));
    }

    /// <summary>The fault schedule: every few seconds one of kill, pause (2-4 s) or restart of a DataNode; at most <see cref="MaxDown"/> down at once.</summary>
    private sealed class DataNodeChaos(LocalClusterProcesses cluster, IDictionary<string, string> settings, Random random, ITestOutputHelper output) : IDisposable
    {
        private readonly Dictionary<string, int> _pids = cluster.State().GetProperty("dataNodes").EnumerateArray()
            .ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("pid").GetInt32());
        private readonly Dictionary<string, string> _folders = cluster.State().GetProperty("dataNodes").EnumerateArray()
            .ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("dataDirectory").GetString()!);
        private readonly HashSet<string> _down = [];
        private readonly Dictionary<string, TimeSpan> _pausedUntil = [];
        private readonly List<ChildProcess> _restarted = [];
        private TimeSpan _nextAction = TimeSpan.FromSeconds(3);

        public List<string> Log { get; } = [];

        public int Actions => Log.Count;

        public async Task StepAsync(TimeSpan now)
        {
            foreach (var (name, until) in _pausedUntil.Where(p => p.Value <= now).ToList())
            {
                Signal(_pids[name], "CONT");
                _pausedUntil.Remove(name);
            }
            if (now < _nextAction)
            {
                return;
            }
            _nextAction = now + TimeSpan.FromSeconds(3 + random.Next(4));
            var up = _pids.Keys.Where(n => !_down.Contains(n) && !_pausedUntil.ContainsKey(n)).OrderBy(n => n, StringComparer.Ordinal).ToList();
            switch (random.Next(3))
            {
                case 0 when _down.Count < MaxDown && up.Count > 0:
                    var victim = up[random.Next(up.Count)];
                    using (var process = Process.GetProcessById(_pids[victim]))
                    {
                        process.Kill();
                        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                    }
                    _down.Add(victim);
                    Record(now, $"kill -9 {victim}");
                    break;
                case 1 when up.Count > 0:
                    var paused = up[random.Next(up.Count)];
                    Signal(_pids[paused], "STOP");
                    _pausedUntil[paused] = now + TimeSpan.FromSeconds(2 + random.Next(3));
                    Record(now, $"pause {paused}");
                    break;
                case 2 when _down.Count > 0:
                    await RestartAsync(_down.OrderBy(n => n, StringComparer.Ordinal).ElementAt(random.Next(_down.Count)), now);
                    break;
            }
        }

        /// <summary>The end of the schedule (logged at <see cref="Duration"/>): every paused node resumed, every killed node restarted.</summary>
        public async Task HealAsync()
        {
            foreach (var name in _pausedUntil.Keys.ToList())
            {
                Signal(_pids[name], "CONT");
            }
            _pausedUntil.Clear();
            foreach (var name in _down.ToList())
            {
                await RestartAsync(name, Duration);
            }
        }

        public void Dispose()
        {
            foreach (var pid in _pids.Values)
            {
                Signal(pid, "CONT");
            }
            _restarted.ForEach(p => p.Dispose());
        }

        private async Task RestartAsync(string name, TimeSpan now)
        {
            var process = ChildProcess.Start(RepoPaths.Launcher,
                ["datanode", "--namenode", cluster.Address, "--data", _folders[name], "--port", "0", "--http-port", "0", "--id", name], cluster.DataNodeSettings(settings));
            _restarted.Add(process);
            await process.WaitForLineAsync(new Regex("DataNode listening"), TimeSpan.FromSeconds(120));
            _pids[name] = process.Pid;
            _down.Remove(name);
            Record(now, $"restart {name}");
        }

        private void Record(TimeSpan now, string what)
        {
            var line = $"{now.TotalSeconds:0.0}s {what}";
            Log.Add(line);
            output.WriteLine(line);
        }

        private static void Signal(int pid, string signal)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardError = true });
            kill?.WaitForExit(10_000);
        }
    }
}
