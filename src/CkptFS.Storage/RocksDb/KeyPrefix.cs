namespace CkptFS.Storage.RocksDb;

/// <summary>
/// The exclusive upper bound of a key prefix under RocksDB's bytewise order: the shortest key greater
/// than every key that starts with the prefix. Trailing 0xFF bytes are dropped and the last remaining
/// byte incremented ({01 FF} → {02}); a prefix of only 0xFF bytes has no successor, and needs none,
/// because every key at or after it starts with it.
/// </summary>
internal static class KeyPrefix
{
    /// <summary>Length of the successor, 0 when there is none.</summary>
    public static int SuccessorLength(ReadOnlySpan<byte> prefix) => prefix.LastIndexOfAnyExcept((byte)0xFF) + 1;

    /// <summary>Writes the successor into <paramref name="destination"/>, which has <see cref="SuccessorLength"/> bytes.</summary>
    public static void WriteSuccessor(ReadOnlySpan<byte> prefix, Span<byte> destination)
    {
        var length = SuccessorLength(prefix);
        if (length == 0 || destination.Length != length)
        {
            throw new ArgumentException("The destination must hold exactly the successor's bytes.", nameof(destination));
        }

        prefix[..length].CopyTo(destination);
        destination[length - 1]++;
    }
}
