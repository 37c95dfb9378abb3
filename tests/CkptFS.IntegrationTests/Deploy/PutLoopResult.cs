using System.Globalization;

namespace CkptFS.IntegrationTests.Deploy;

/// <summary>One put of a <see cref="PutLoop"/>: its number, whether it succeeded, how long it took.</summary>
internal sealed record PutRecord(int Index, bool Ok, TimeSpan Duration);

/// <summary>What a <see cref="PutLoop"/> did: every put, and its output (with the failed puts' errors).</summary>
internal sealed record PutLoopResult(IReadOnlyList<PutRecord> Puts, string Output)
{
    public int Failed => Puts.Count(p => !p.Ok);

    public TimeSpan Longest => Puts.Count == 0 ? TimeSpan.Zero : Puts.Max(p => p.Duration);

    public TimeSpan Median => Puts.Count == 0 ? TimeSpan.Zero : Puts.Select(p => p.Duration).Order().ElementAt(Puts.Count / 2);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Puts.Count} puts, {Failed} failed, median {Median.TotalSeconds:F2} s, longest {Longest.TotalSeconds:F2} s");
}
