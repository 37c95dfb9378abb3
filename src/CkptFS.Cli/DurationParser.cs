using System.Globalization;

namespace CkptFS.Cli;

/// <summary>Durations on the command line: a number with a unit (500ms, 60s, 5m, 1h; plain numbers are seconds) or HH:MM:SS.</summary>
public static class DurationParser
{
    public static TimeSpan Parse(string text, string option)
    {
        var trimmed = text.Trim();
        if (trimmed.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var clock) && clock > TimeSpan.Zero)
        {
            return clock;
        }

        var split = 0;
        while (split < trimmed.Length && (char.IsAsciiDigit(trimmed[split]) || trimmed[split] == '.'))
        {
            split++;
        }

        double? seconds = trimmed[split..].Trim().ToLowerInvariant() switch
        {
            "ms" => 0.001,
            "" or "s" => 1,
            "m" or "min" => 60,
            "h" => 3600,
            _ => null,
        };
        if (seconds is null || !double.TryParse(trimmed[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            throw new ArgumentException($"{option}: '{text}' is not a duration (use e.g. 500ms, 60s, 5m, 1h or 00:01:00).");
        }

        return TimeSpan.FromSeconds(number * seconds.Value);
    }

    /// <summary>A duration the way a user would write it back: 60 s, 1.5 min.</summary>
    public static string Format(TimeSpan duration) => duration.TotalSeconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###} s")
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0.#} min");
}
