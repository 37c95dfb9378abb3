using CkptFS.Cli.Parsing;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CkptFS.Client;

namespace CkptFS.Cli.Commands;

/// <summary>
/// `ckptfs bench namenode`: unary NameNode calls per second through the whole stack (SDK, gRPC
/// over HTTP/2, handler, core, group commit), with N concurrent callers: first `mkdir` of distinct
/// paths (each one durable mutation, synced), then `stat` of the paths it made.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var callers = new Option<int>("--callers") { Description = "Concurrent callers.", DefaultValueFactory = _ => 16 }.Within(1, 4096);
        var seconds = new Option<double>("--seconds") { Description = "Duration of each phase in seconds.", DefaultValueFactory = _ => 10 };
        var nameNode = new Command("namenode", "Measure mkdir (durable mutations) and stat calls per second against a running NameNode.") { callers, seconds };
        ClientAction.Set(nameNode, async (result, client, cancellationToken) =>
        {
            var callerCount = result.GetValue(callers);
            var duration = TimeSpan.FromSeconds(result.GetValue(seconds));
            if (callerCount < 1 || duration <= TimeSpan.Zero)
            {
                throw new ArgumentException("--callers and --seconds must be positive.");
            }
            var root = $"/bench-{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}";
            for (var caller = 0; caller < callerCount; caller++)
            {
                await client.MkdirsAsync($"{root}/c{caller}", createParents: true, cancellationToken: cancellationToken);
            }
            Console.WriteLine($"NameNode {client.Options.NameNodeAddress}, {callerCount} callers, {duration.TotalSeconds:0.#} s per phase, under {root}");
            var made = new int[callerCount];
            var mkdir = await RunPhaseAsync("mkdir", callerCount, duration, async (caller, n) =>
            {
                await client.MkdirsAsync($"{root}/c{caller}/d{n}", cancellationToken: cancellationToken);
                made[caller] = n + 1;
            }, cancellationToken);
            var stat = await RunPhaseAsync("stat", callerCount, duration, async (caller, n) =>
            {
                await client.GetFileInfoAsync($"{root}/c{caller}/d{n % Math.Max(1, made[caller])}", cancellationToken);
            }, cancellationToken);
            Console.WriteLine(mkdir);
            Console.WriteLine(stat);
            await client.DeleteAsync(root, recursive: true, cancellationToken);
            return 0;
        });
        return new Command("bench", "Benchmarks that print figures.") { nameNode, BenchDataCommand.Create(), Checkpoints.BenchCkptCommand.Create() };
    }

    private static async Task<string> RunPhaseAsync(string name, int callers, TimeSpan duration, Func<int, int, Task> call, CancellationToken cancellationToken)
    {
        var latencies = new List<double>[callers];
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var mine = latencies[caller] = new List<double>(65536);
            for (var n = 0; stopwatch.Elapsed < duration; n++)
            {
                var started = Stopwatch.GetTimestamp();
                await call(caller, n);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))];
        return string.Create(CultureInfo.InvariantCulture,
            $"{name,-6} {all.Length / elapsed,10:0} calls/s  ({all.Length} calls in {elapsed:0.0} s; latency p50 {Percentile(0.5):0.00} ms, p99 {Percentile(0.99):0.00} ms)");
    }
}
