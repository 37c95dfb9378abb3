namespace CkptFS.DataNode.Scanner;

/// <summary>The background verification of finalized replicas (HDFS's block scanner).</summary>
public sealed class BlockScannerOptions
{
    /// <summary>Scan at all (default on).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Bytes verified per second, per DataNode: 8 MiB/s (HDFS: 1 MiB/s per volume). Slow on purpose: the
    /// scanner shares the disk with training jobs' saves and loads; 1 TB is covered in about 36 hours.
    /// </summary>
    public long BytesPerSecond { get; set; } = 8L * 1024 * 1024;

    /// <summary>Time from the start of one full pass to the start of the next: 1 day (a pass that takes longer starts the next at once).</summary>
    public TimeSpan PassInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Wait after start-up before the first pass, so a restarting node serves and reports first: 1 minute.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMinutes(1);

    public void Validate()
    {
        if (BytesPerSecond < 64 * 1024)
        {
            throw new ArgumentException($"Invalid setting Scanner:BytesPerSecond = {BytesPerSecond}: expected at least 65536.");
        }
        if (PassInterval <= TimeSpan.Zero || InitialDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"Invalid setting Scanner:PassInterval = {PassInterval} or InitialDelay = {InitialDelay}: expected a positive interval and a non-negative delay.");
        }
    }
}
