using System.CommandLine;
using System.Globalization;
using CkptFS.Cli.Checkpoints;
using CkptFS.Cli.Output;
using CkptFS.Client;
using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>
/// `ckpt advise [JOB] --mtbf M [--restart R] [--cost C]`: Young's and Daly's checkpoint intervals
/// and the expected waste at each (and at the job's current interval), from the job's recorded
/// blocking save cost or --cost (<see cref="IntervalAdvice"/>).
/// </summary>
internal static class CkptAdviseCommand
{
    /// <summary>Recent commits the cost and current interval are taken from (medians: one slow save does not skew them).</summary>
    private const int History = 20;

    public static Command Create()
    {
        var job = new Argument<string?>("job") { Description = "The job whose recorded save cost and interval to use.", Arity = ArgumentArity.ZeroOrOne };
        var mtbf = new Option<string>("--mtbf") { Description = "Mean time between failures of the whole job, e.g. 24h.", Required = true };
        var restart = new Option<string?>("--restart") { Description = "Time from a failure until training runs again, e.g. 10m (default 0)." };
        var cost = new Option<string?>("--cost") { Description = "Blocking cost of one save, e.g. 5m (default: the median the job recorded)." };
        var json = CliOptions.Json();
        var command = new Command("advise", "Advise a checkpoint interval: Young's sqrt(2CM), Daly's higher-order one, and the expected waste at each.")
        {
            job, mtbf, restart, cost, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var m = DurationParser.Parse(result.GetRequiredValue(mtbf), "--mtbf");
            var r = result.GetValue(restart) is { } restartText ? DurationParser.Parse(restartText, "--restart") : TimeSpan.Zero;
            var history = result.GetValue(job) is { } jobPath ? await HistoryAsync(result, jobPath, cancellationToken) : null;
            var c = result.GetValue(cost) is { } costText
                ? DurationParser.Parse(costText, "--cost")
                : history?.Cost ?? throw new CkptFsException(ErrorCode.InvalidArgument, history is null
                    ? "Give --cost (the blocking time of one save), or a JOB whose saves recorded it."
                    : $"{result.GetValue(job)} has no recorded save cost yet; give --cost.");
            var rows = new List<(string Name, string How, TimeSpan Interval)>
            {
                ("young", "sqrt(2CM)", IntervalAdvice.Young(c, m)),
                ("daly", "higher order (Daly 2006)", IntervalAdvice.Daly(c, m)),
            };
            if (history?.Interval is { } current)
            {
                rows.Add(("current", $"median of the job's last {history.Commits} commits", current));
            }
            if (result.GetValue(json))
            {
                await JsonOutput.WriteAsync(writer => WriteJson(writer, c, m, r, rows), cancellationToken);
                return 0;
            }
            Console.WriteLine($"save cost C = {Describe(c)}{(result.GetValue(cost) is null ? $" (median recorded by {result.GetValue(job)})" : string.Empty)}, MTBF M = {Describe(m)}, restart R = {Describe(r)}");
            foreach (var (name, how, interval) in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-8} {Describe(interval),-26} expected waste {IntervalAdvice.Waste(interval, c, r, m):P1}   {how}"));
            }
            Console.WriteLine($"advice: checkpoint every {Describe(rows[1].Interval)} (Daly)");
            return 0;
        });
        return command;
    }

    private sealed record JobHistory(TimeSpan? Cost, TimeSpan? Interval, int Commits);

    private static async Task<JobHistory> HistoryAsync(ParseResult result, string job, CancellationToken cancellationToken)
    {
        using var client = CliOptions.CreateClient(result);
        var committed = (await client.ListCheckpointsAsync(job, cancellationToken)).Checkpoints
            .Where(c => c.State is CheckpointState.Committed or CheckpointState.Damaged)
            .OrderBy(c => c.CommittedMs)
            .TakeLast(History)
            .ToList();
        return new JobHistory(IntervalAdvice.MedianCost(committed.Select(c => c.BlockingSaveMs)),
            IntervalAdvice.MedianInterval(committed.Select(c => c.CommittedMs)), committed.Count);
    }

    private static void WriteJson(System.Text.Json.Utf8JsonWriter writer, TimeSpan c, TimeSpan m, TimeSpan r, List<(string Name, string How, TimeSpan Interval)> rows)
    {
        writer.WriteStartObject();
        writer.WriteNumber("costSeconds", c.TotalSeconds);
        writer.WriteNumber("mtbfSeconds", m.TotalSeconds);
        writer.WriteNumber("restartSeconds", r.TotalSeconds);
        foreach (var (name, _, interval) in rows)
        {
            writer.WriteStartObject(name);
            writer.WriteNumber("intervalSeconds", interval.TotalSeconds);
            writer.WriteNumber("waste", IntervalAdvice.Waste(interval, c, r, m));
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <summary>"116.69 min (1h 56m 41s)", "42.0 s".</summary>
    private static string Describe(TimeSpan value) => value.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalMinutes:0.##} min ({(int)value.TotalHours}h {value.Minutes:00}m {value.Seconds:00}s)")
        : string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.0##} s");
}
