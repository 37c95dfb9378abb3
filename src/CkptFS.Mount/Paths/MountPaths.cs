using CkptFS.Common;
using CkptFS.Common.Checkpoints;

namespace CkptFS.Mount.Paths;

/// <summary>
/// Maps a path the kernel gives ("/jobs/llm/.pending/step-5/model.pt", relative to the mountpoint)
/// to the CkptFS path under the mount's root, and recognizes the checkpoint layout in it. Step
/// folders are canonical everywhere in the mount: "step-5" and "step-00000005" name the same folder
/// (the SDK and the NameNode write "step-NNNNNNNN"), so a training script may use either spelling.
/// </summary>
public sealed class MountPaths(string root)
{
    private readonly string _root = root.TrimEnd('/');

    /// <summary>The name of the symbolic link each job directory shows to its newest intact checkpoint.</summary>
    public const string LatestLink = "latest";

    /// <summary>The CkptFS path of a mount path.</summary>
    public string ToRemote(string mountPath)
    {
        var parts = Split(mountPath);
        for (var i = 0; i < parts.Length; i++)
        {
            if (CanonicalStep(parts[i]) is { } canonical)
            {
                parts[i] = canonical;
            }
        }
        var relative = parts.Length == 0 ? string.Empty : "/" + string.Join('/', parts);
        return _root.Length == 0 ? (relative.Length == 0 ? "/" : relative) : _root + relative;
    }

    /// <summary>"step-00000005" for "step-5" (or "step-00000005"); null for any other name.</summary>
    public static string? CanonicalStep(string name) =>
        StepOf(name) is { } step ? CheckpointNames.StepName(step) : null;

    /// <summary>The step of a "step-N" name (any zero padding), or null.</summary>
    public static ulong? StepOf(string name) => CheckpointNames.ParseStep(name);

    /// <summary>
    /// A file inside a pending step (JOB/.pending/step-N/SHARD): the job's CkptFS path, the step and
    /// the shard's path relative to the step folder. Null for any other path, and for the shard
    /// records folder (the mount writes those itself).
    /// </summary>
    public PendingShard? AsPendingShard(string mountPath)
    {
        var parts = Split(mountPath);
        for (var i = 0; i + 2 < parts.Length; i++)
        {
            if (parts[i] == CheckpointNames.PendingFolder && StepOf(parts[i + 1]) is { } step && i >= 1)
            {
                if (parts[i + 2] == CheckpointNames.ShardRecordsFolder)
                {
                    return null;
                }
                var job = ToRemote("/" + string.Join('/', parts[..i]));
                return new PendingShard(job, step, string.Join('/', parts[(i + 2)..]));
            }
        }
        return null;
    }

    /// <summary>
    /// The commit idiom: rename(JOB/.pending/step-N, JOB/step-N). Returns the job and step when
    /// <paramref name="from"/> is a pending step folder and <paramref name="to"/> is the committed
    /// name of a step of the same job; null when the rename is an ordinary one.
    /// </summary>
    public CheckpointCommit? AsCommit(string from, string to)
    {
        var source = Split(from);
        var target = Split(to);
        if (source.Length < 3 || source[^2] != CheckpointNames.PendingFolder || StepOf(source[^1]) is not { } step)
        {
            return null;
        }
        var jobParts = source[..^2];
        if (target.Length != jobParts.Length + 1 || !target.AsSpan(0, jobParts.Length).SequenceEqual(jobParts) || StepOf(target[^1]) is not { } targetStep)
        {
            return null;
        }
        return new CheckpointCommit(ToRemote("/" + string.Join('/', jobParts)), step, targetStep);
    }

    /// <summary>JOB/step-N/... (not under .pending): the job and step of what may be a committed checkpoint.</summary>
    public (string Job, ulong Step)? AsCommittedContent(string mountPath)
    {
        var parts = Split(mountPath);
        for (var i = 1; i + 1 < parts.Length; i++)
        {
            if (StepOf(parts[i]) is { } step && parts[i - 1] != CheckpointNames.PendingFolder)
            {
                return (ToRemote("/" + string.Join('/', parts[..i])), step);
            }
        }
        return null;
    }

    /// <summary>JOB/latest: the job's CkptFS path; null for any other path.</summary>
    public string? AsLatestLink(string mountPath)
    {
        var parts = Split(mountPath);
        return parts.Length >= 1 && parts[^1] == LatestLink ? ToRemote("/" + string.Join('/', parts[..^1])) : null;
    }

    /// <summary>The parent of a mount path ("/" for a top-level entry).</summary>
    public static string Parent(string mountPath)
    {
        var slash = mountPath.TrimEnd('/').LastIndexOf('/');
        return slash <= 0 ? "/" : mountPath[..slash];
    }

    /// <summary>The last name of a mount or CkptFS path.</summary>
    public static string Name(string path) => path[(path.TrimEnd('/').LastIndexOf('/') + 1)..];

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A file written under JOB/.pending/step-N: a checkpoint shard.</summary>
public sealed record PendingShard(string Job, ulong Step, string ShardPath);

/// <summary>rename(JOB/.pending/step-N, JOB/step-M): a commit when N == M.</summary>
public sealed record CheckpointCommit(string Job, ulong Step, ulong TargetStep);
