using System.Globalization;

namespace CkptFS.Cli.Transfers;

/// <summary>Sizes on the command line: plain bytes or with a binary suffix (64K, 128M, 4G, 1T; KiB forms too).</summary>
public static class SizeParser
{
    public static long Parse(string text, string option)
    {
        var trimmed = text.Trim();
        var split = 0;
        while (split < trimmed.Length && (char.IsAsciiDigit(trimmed[split]) || trimmed[split] == '.'))
        {
            split++;
        }
        var unit = trimmed[split..].Trim().ToUpperInvariant().Replace("IB", "", StringComparison.Ordinal).Replace("B", "", StringComparison.Ordinal);
        long multiplier = unit switch
        {
            "" => 1,
            "K" => 1L << 10,
            "M" => 1L << 20,
            "G" => 1L << 30,
            "T" => 1L << 40,
            _ => throw new ArgumentException($"{option}: '{text}' is not a size (use bytes, or a suffix K, M, G, T)."),
        };
        if (!double.TryParse(trimmed[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number < 0)
        {
            throw new ArgumentException($"{option}: '{text}' is not a size (use bytes, or a suffix K, M, G, T).");
        }
        return checked((long)(number * multiplier));
    }
}
