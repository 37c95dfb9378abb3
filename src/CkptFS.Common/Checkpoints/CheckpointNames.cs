using System.Globalization;

namespace CkptFS.Common.Checkpoints;

/// <summary>
/// Where a checkpoint lives in the namespace; the NameNode and every client agree through this one
/// place. Job JOB, step N:
///   JOB/.pending/step-NNNNNNNN/...          shards being written (one writer each)
///   JOB/.pending/step-NNNNNNNN/.ckpt-shards one small JSON record per finished shard (size, CRC32C,
///                                           tensors), for a coordinator in another process
///   JOB/step-NNNNNNNN/...                   the committed checkpoint (the pending folder, renamed)
/// Steps are zero-padded to 8 digits (more when larger) so that a plain `ls` lists them in step order.
/// </summary>
public static class CheckpointNames
{
    public const string PendingFolder = ".pending";

    public const string ShardRecordsFolder = ".ckpt-shards";

    public const string StepPrefix = "step-";

    public static string StepName(ulong step) => StepPrefix + step.ToString("D8", CultureInfo.InvariantCulture);

    public static FsPath Committed(FsPath job, ulong step) => job.Child(StepName(step));

    public static FsPath Pending(FsPath job, ulong step) => job.Child(PendingFolder).Child(StepName(step));

    public static FsPath PendingRoot(FsPath job) => job.Child(PendingFolder);

    /// <summary>The step of a "step-NNNNNNNN" name, or null for any other name.</summary>
    public static ulong? ParseStep(string name) =>
        name.StartsWith(StepPrefix, StringComparison.Ordinal)
        && name.Length > StepPrefix.Length
        && name.AsSpan(StepPrefix.Length).IndexOfAnyExceptInRange('0', '9') < 0
        && ulong.TryParse(name.AsSpan(StepPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step)
            ? step
            : null;

    /// <summary>
    /// Checks a shard's path relative to the checkpoint folder: '/'-separated, no empty, '.' or '..'
    /// part, not inside <see cref="ShardRecordsFolder"/>; returns why not, or null when it is fine.
    /// </summary>
    public static string? ShardPathProblem(string relative)
    {
        if (relative.Length == 0 || relative.StartsWith('/'))
        {
            return $"shard path '{relative}' must be relative to the checkpoint folder (e.g. 'rank-0.safetensors')";
        }
        var parts = relative.Split('/');
        if (parts[0] == ShardRecordsFolder)
        {
            return $"shard path '{relative}' is inside {ShardRecordsFolder}, which is reserved for shard records";
        }
        foreach (var part in parts)
        {
            if (!FsPath.IsValidName(part, out var why))
            {
                return $"shard path '{relative}' is not valid: {why}";
            }
        }
        return null;
    }

    /// <summary>The file at <paramref name="relative"/> below <paramref name="folder"/> (a checked shard path).</summary>
    public static FsPath ShardPath(FsPath folder, string relative)
    {
        var path = folder;
        foreach (var part in relative.Split('/'))
        {
            path = path.Child(part);
        }
        return path;
    }
}
