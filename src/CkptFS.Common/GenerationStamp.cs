namespace CkptFS.Common;

/// <summary>
/// A block's generation stamp: grows each time the block's pipeline changes (recovery, append),
/// so a replica with an older stamp is stale. Never goes backwards.
/// </summary>
public readonly record struct GenerationStamp(ulong Value) : IComparable<GenerationStamp>
{
    public int CompareTo(GenerationStamp other) => Value.CompareTo(other.Value);

    public static bool operator <(GenerationStamp left, GenerationStamp right) => left.Value < right.Value;

    public static bool operator >(GenerationStamp left, GenerationStamp right) => left.Value > right.Value;

    public static bool operator <=(GenerationStamp left, GenerationStamp right) => left.Value <= right.Value;

    public static bool operator >=(GenerationStamp left, GenerationStamp right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
