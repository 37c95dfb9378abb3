using System.Globalization;
using System.Runtime.InteropServices;

namespace CkptFS.Common.Faults;

/// <summary>
/// Named fault points in production code (etcd's failpoints, Garnet's fault injection). Disarmed —
/// always, outside tests — a hit costs one volatile read. Armed in-process with <see cref="Arm"/>, or in
/// a child process through the environment:
///   CKPTFS_FAULTS="NameNodeAfterCommitBeforeReply=crash:skip=3, DataNodeBeforeFinalize=delay:ms=500:times=1"
/// (point=action, then optional :skip=N, :times=N, :ms=N; actions crash, throw, delay).
/// </summary>
public static partial class FaultPoints
{
    public const string EnvironmentVariable = "CKPTFS_FAULTS";

    private static readonly object ArmLock = new();
    private static volatile FaultRule?[]? s_rules;

    public static void Hit(FaultPoint point)
    {
        var rules = s_rules;
        if (rules is not null)
        {
            Fire(rules[(int)point]);
        }
    }

    /// <summary>Arms <paramref name="rule"/> (replacing any rule at its point); disposing disarms it.</summary>
    public static IDisposable Arm(FaultRule rule)
    {
        lock (ArmLock)
        {
            var rules = (FaultRule?[])(s_rules?.Clone() ?? new FaultRule?[Enum.GetValues<FaultPoint>().Length]);
            rules[(int)rule.Point] = rule;
            s_rules = rules;
        }
        return new Disarmer(rule);
    }

    /// <summary>Arms the rules of <see cref="EnvironmentVariable"/>, if set; a malformed value fails start-up with the reason.</summary>
    public static void ArmFromEnvironment()
    {
        var spec = Environment.GetEnvironmentVariable(EnvironmentVariable);
        foreach (var rule in Parse(spec))
        {
            Arm(rule);
        }
    }

    public static IReadOnlyList<FaultRule> Parse(string? spec)
    {
        var rules = new List<FaultRule>();
        foreach (var item in (spec ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(':', StringSplitOptions.TrimEntries);
            var head = parts[0].Split('=', 2, StringSplitOptions.TrimEntries);
            if (head.Length != 2 || !Enum.TryParse<FaultPoint>(head[0], ignoreCase: true, out var point) || !Enum.TryParse<FaultAction>(head[1], ignoreCase: true, out var action))
            {
                throw Invalid(item, $"expected POINT=ACTION with POINT one of {string.Join(", ", Enum.GetNames<FaultPoint>())} and ACTION one of crash, throw, delay");
            }
            var rule = new FaultRule(point, action);
            foreach (var option in parts.Skip(1))
            {
                var pair = option.Split('=', 2, StringSplitOptions.TrimEntries);
                if (pair.Length != 2 || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    throw Invalid(item, $"'{option}' is not NAME=NUMBER");
                }
                rule = pair[0] switch
                {
                    "skip" => rule with { Skip = number },
                    "times" => rule with { Times = number },
                    "ms" => rule with { Delay = TimeSpan.FromMilliseconds(number) },
                    _ => throw Invalid(item, $"unknown option '{pair[0]}' (skip, times, ms)"),
                };
            }
            rules.Add(rule);
        }
        return rules;
    }

    private static void Fire(FaultRule? rule)
    {
        if (rule is null || !rule.ShouldFire())
        {
            return;
        }
        switch (rule.Action)
        {
            case FaultAction.Crash:
                Console.Error.WriteLine($"ckptfs: injected crash at {rule.Point}");
                Console.Error.Flush();
                _ = Kill(Environment.ProcessId, 9);
                Thread.Sleep(Timeout.Infinite); // SIGKILL is asynchronous; never run on past the point
                break;
            case FaultAction.Throw:
                throw new FaultInjectedException(rule.Point);
            case FaultAction.Delay:
                Thread.Sleep(rule.Delay);
                break;
        }
    }

    private static ArgumentException Invalid(string item, string why) =>
        new($"Invalid {EnvironmentVariable} entry '{item}': {why}.");

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private sealed class Disarmer(FaultRule rule) : IDisposable
    {
        public void Dispose()
        {
            lock (ArmLock)
            {
                if (s_rules is { } current && ReferenceEquals(current[(int)rule.Point], rule))
                {
                    var rules = (FaultRule?[])current.Clone();
                    rules[(int)rule.Point] = null;
                    s_rules = rules.Any(r => r is not null) ? rules : null;
                }
            }
        }
    }
}
