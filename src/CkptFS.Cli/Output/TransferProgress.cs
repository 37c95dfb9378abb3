using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace CkptFS.Cli.Output;

/// <summary>
/// What a person sees during a long transfer, on stderr (stdout stays for data and results): a bar
/// with throughput in a terminal, a plain line every few seconds otherwise, and a one-line summary
/// at the end either way.
/// </summary>
public sealed class TransferProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    private readonly string _verb;
    private readonly long _totalBytes;
    private readonly bool _quiet;
    private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
    private long _bytes;
    private long _files;
    private TimeSpan _lastPlainLine;

    private TransferProgress(string verb, long totalBytes, bool quiet)
    {
        _verb = verb;
        _totalBytes = totalBytes;
        _quiet = quiet;
    }

    public long Bytes => Interlocked.Read(ref _bytes);

    public void Advance(long bytes)
    {
        Interlocked.Add(ref _bytes, bytes);
        if (!_quiet && !Interactive && _stopwatch.Elapsed - _lastPlainLine >= PlainInterval)
        {
            _lastPlainLine = _stopwatch.Elapsed;
            Console.Error.WriteLine($"{_verb}: {Describe()}");
        }
    }

    public void FileDone() => Interlocked.Increment(ref _files);

    /// <summary>Runs <paramref name="work"/> with a progress display, then prints the summary line.</summary>
    public static async Task RunAsync(string verb, long totalBytes, bool quiet, Func<TransferProgress, Task> work)
    {
        var progress = new TransferProgress(verb, totalBytes, quiet);
        if (Interactive && !quiet && totalBytes > 0)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            await console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(verb, maxValue: totalBytes);
                    using var refresh = new Timer(_ => task.Value = progress.Bytes, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));
                    await work(progress);
                    task.Value = progress.Bytes;
                });
        }
        else
        {
            await work(progress);
        }
        if (!quiet)
        {
            Console.Error.WriteLine($"{verb}: {progress.Summary()}");
        }
    }

    private static bool Interactive => !Console.IsErrorRedirected;

    private string Describe()
    {
        var percent = _totalBytes > 0 ? Bytes * 100.0 / _totalBytes : 100;
        return string.Create(CultureInfo.InvariantCulture,
            $"{ByteSize.Format(Bytes)} of {ByteSize.Format(_totalBytes)} ({percent:0}%), {Rate()}");
    }

    private string Summary()
    {
        var files = Interlocked.Read(ref _files);
        return string.Create(CultureInfo.InvariantCulture,
            $"{files} file{(files == 1 ? "" : "s")}, {ByteSize.Format(Bytes)} in {_stopwatch.Elapsed.TotalSeconds:0.0} s ({Rate()})");
    }

    private string Rate()
    {
        var seconds = Math.Max(_stopwatch.Elapsed.TotalSeconds, 1e-3);
        return string.Create(CultureInfo.InvariantCulture, $"{Bytes / seconds / (1024 * 1024):0.0} MiB/s");
    }
}
