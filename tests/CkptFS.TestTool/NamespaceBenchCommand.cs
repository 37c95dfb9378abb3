using System.Diagnostics;
using System.Globalization;
using CkptFS.Client;

namespace CkptFS.TestTool;

/// <summary>
/// <c>namespace-bench &lt;namenode&gt; &lt;files&gt; &lt;seconds&gt; &lt;callers&gt; &lt;started-unix-ms&gt;</c>: against a
/// NameNode holding a <see cref="NamespaceGenCommand"/> namespace, through the SDK. Started together
/// with the NameNode (whose start time it is given), it first retries a mkdir every 20 ms until one
/// succeeds: the NameNode is then listening and out of safe mode ("writable SECONDS" since start;
/// an upper bound: it includes this tool's own start, which overlaps the NameNode's). Then
/// GetFileInfo of random existing files by many concurrent callers for the given time, then one
/// full paged listing of the big directory. Prints "stat CALLS_PER_S p50_MS p99_MS" and "list ENTRIES SECONDS".
/// </summary>
public static class NamespaceBenchCommand
{
    public const string Name = "namespace-bench";
    public const string Usage = "namespace-bench <host:port> <files> <seconds> <callers> <started-unix-ms>  time to writable, stat/s of random files, paged listing";

    public static int Run(string[] args)
    {
        if (args.Length != 5 || !long.TryParse(args[4], out var startedMs) || !long.TryParse(args[1], out var files) || !double.TryParse(args[2], CultureInfo.InvariantCulture, out var seconds)
            || !int.TryParse(args[3], out var callers))
        {
            Console.Error.WriteLine($"usage: {Usage}");
            return 2;
        }
        using var client = new CkptFsClient(new CkptFsClientOptions
        {
            NameNodeAddress = args[0],
            NameNodeWait = TimeSpan.FromMinutes(3),
            RetryBackoff = TimeSpan.FromMilliseconds(20),
            RetryBackoffMax = TimeSpan.FromMilliseconds(20),
        });
        Task.Run(() => client.MkdirsAsync("/scale-writable", createParents: true)).GetAwaiter().GetResult();
        var writable = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - startedMs) / 1000.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"writable {writable:0.000}"));
        // Warm-up: connections, JIT and the server's first calls are not the figure.
        StatPhase(client, files, TimeSpan.FromSeconds(Math.Min(2, seconds / 4)), callers);
        var (rate, p50, p99) = StatPhase(client, files, TimeSpan.FromSeconds(seconds), callers);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stat {rate:0} {p50:0.00} {p99:0.00}"));
        var listed = 0L;
        var stopwatch = Stopwatch.StartNew();
        Task.Run(async () =>
        {
            await foreach (var _ in client.ListAsync(ScaleNamespace.BigDirectory))
            {
                listed++;
            }
        }).GetAwaiter().GetResult();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"list {listed} {stopwatch.Elapsed.TotalSeconds:0.000}"));
        return 0;
    }

    private static (double Rate, double P50, double P99) StatPhase(CkptFsClient client, long files, TimeSpan duration, int callers)
    {
        var latencies = new List<double>[callers];
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var random = new Random(caller);
            var mine = latencies[caller] = new List<double>(65536);
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await client.GetFileInfoAsync(ScaleNamespace.FilePath(random.NextInt64(files)));
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })).ToArray();
        Task.WaitAll(workers);
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))];
        return (all.Length / elapsed, Percentile(0.5), Percentile(0.99));
    }
}
