using System.Globalization;
using System.Text.RegularExpressions;

namespace CkptFS.Cli.Checkpoints;

/// <summary>Durations on the command line: "90s", "15m", "24h", "2d", "1h30m", "500ms", plain seconds, or "hh:mm:ss".</summary>
public static partial class DurationParser
{
    public static TimeSpan Parse(string text, string option)
    {
        var trimmed = text.Trim();
        if (double.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return Positive(TimeSpan.FromSeconds(seconds), text, option);
        }
        if (trimmed.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var clock))
        {
            return Positive(clock, text, option);
        }
        var parts = Part().Matches(trimmed);
        if (parts.Count == 0 || string.Concat(parts.Select(m => m.Value)) != trimmed)
        {
            throw Invalid(text, option);
        }
        var total = TimeSpan.Zero;
        foreach (Match part in parts)
        {
            var number = double.Parse(part.Groups["number"].Value, CultureInfo.InvariantCulture);
            total += part.Groups["unit"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" or "min" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                "d" => TimeSpan.FromDays(number),
                _ => throw Invalid(text, option),
            };
        }
        return Positive(total, text, option);
    }

    private static TimeSpan Positive(TimeSpan value, string text, string option) =>
        value > TimeSpan.Zero ? value : throw new ArgumentException($"{option}: '{text}' must be longer than zero.");

    private static ArgumentException Invalid(string text, string option) =>
        new($"{option}: '{text}' is not a duration (e.g. 90s, 15m, 24h, 2d, 1h30m, or hh:mm:ss).");

    [GeneratedRegex(@"(?<number>\d+(\.\d+)?)(?<unit>ms|min|s|m|h|d)")]
    private static partial Regex Part();
}
