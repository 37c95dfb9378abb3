namespace CkptFS.NameNode.Checkpoints;

/// <summary>Settings of checkpoint housekeeping (config section NameNode:Checkpoints).</summary>
public sealed class CheckpointOptions
{
    /// <summary>
    /// A pending step is collected once no file in it is open for write and nothing in it changed for
    /// this long: 1 h. Its writers are gone by then (an open file keeps it, and lease recovery closes
    /// the files of dead writers first); shorter risks collecting the step of a slow rank that has
    /// not started yet.
    /// </summary>
    public TimeSpan PendingGracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often every job's retention and abandoned pending steps are looked at: 1 min.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    public void Validate()
    {
        Require(PendingGracePeriod >= TimeSpan.Zero, nameof(PendingGracePeriod), PendingGracePeriod, ">= 0");
        Require(ScanInterval > TimeSpan.Zero, nameof(ScanInterval), ScanInterval, "> 0");
    }

    private static void Require(bool condition, string key, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid setting Checkpoints:{key} = {value}: expected {expected}.", key);
        }
    }
}
