using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.NameNode.Namespace;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Checkpoints;

public sealed partial class CheckpointManager
{
    /// <summary>
    /// The job's committed checkpoints in step order (damaged ones flagged, ones whose folder is
    /// gone left out), then its pending steps; all from one published version, without locks.
    /// </summary>
    public JobCheckpoints List(FsPath job)
    {
        var published = _committer.PublishedMetadata;
        var tree = published.Tree;
        var jobDirectory = RequireJobDirectory(tree, job);
        var entry = published.Checkpoints.Find(job) ?? CheckpointJob.New(job);
        var latest = CheckpointInspector.NewestIntact(tree, entry);
        var views = new List<CheckpointView>();
        foreach (var checkpoint in entry.Checkpoints.Values)
        {
            var (condition, problem) = CheckpointInspector.Inspect(tree, checkpoint);
            if (condition != CheckpointCondition.Gone)
            {
                views.Add(CheckpointView.Of(checkpoint, condition, problem, checkpoint.Step == latest, withManifest: false));
            }
        }
        if (jobDirectory.Children.GetValueOrDefault(CheckpointNames.PendingFolder) is DirectoryInode pendingRoot)
        {
            views.AddRange(PendingViews(job, pendingRoot));
        }
        return new JobCheckpoints(job, views, entry.Retention, latest);
    }

    /// <summary>Step <paramref name="step"/> of the job with its manifest, or the newest intact one when null.</summary>
    public CheckpointView Get(FsPath job, ulong? step)
    {
        var published = _committer.PublishedMetadata;
        var tree = published.Tree;
        RequireJobDirectory(tree, job);
        var entry = published.Checkpoints.Find(job) ?? CheckpointJob.New(job);
        var latest = CheckpointInspector.NewestIntact(tree, entry);
        var wanted = step ?? latest
            ?? throw new CkptFsException(ErrorCode.CheckpointNotFound, $"{job} has no committed checkpoint yet (save one with 'ckptfs ckpt save {job} STEP LOCALDIR').");
        var checkpoint = entry.Checkpoints.GetValueOrDefault(wanted);
        var (condition, problem) = checkpoint is null ? (CheckpointCondition.Gone, string.Empty) : CheckpointInspector.Inspect(tree, checkpoint);
        if (checkpoint is null || condition == CheckpointCondition.Gone)
        {
            throw new CkptFsException(ErrorCode.CheckpointNotFound, $"{job} has no committed checkpoint at step {wanted}{Available(tree, entry)}.");
        }
        return CheckpointView.Of(checkpoint, condition, problem, wanted == latest, withManifest: true);
    }

    private static DirectoryInode RequireJobDirectory(NamespaceTree tree, FsPath job) => tree.Find(job) switch
    {
        DirectoryInode directory => directory,
        null => throw new CkptFsException(ErrorCode.CheckpointNotFound, $"{job} does not exist: no such checkpoint job."),
        _ => throw new CkptFsException(ErrorCode.NotADirectory, $"{job} is a file, not a checkpoint job directory."),
    };

    private static IEnumerable<CheckpointView> PendingViews(FsPath job, DirectoryInode pendingRoot)
    {
        foreach (var (name, child) in pendingRoot.Children)
        {
            if (CheckpointNames.ParseStep(name) is not { } step || child is not DirectoryInode folder)
            {
                continue;
            }
            var files = CheckpointInspector.Files(folder).ToList();
            var open = files.Where(f => f.File.IsUnderConstruction).Select(f => $"{f.Relative} open by {f.File.LeaseHolder}").ToList();
            yield return new CheckpointView(job, step, CheckpointNames.Pending(job, step), CheckpointState.Pending, 0,
                files.Sum(f => f.File.Length), files.Count, false, string.Join("; ", open), null);
        }
    }

    private static string Available(NamespaceTree tree, CheckpointJob entry)
    {
        var steps = entry.Checkpoints.Values.Where(c => CheckpointInspector.Inspect(tree, c).Condition != CheckpointCondition.Gone).Select(c => c.Step).ToList();
        return steps.Count == 0 ? " (it has none; see 'ckptfs ckpt ls')" : $" (it has steps {string.Join(", ", steps.TakeLast(10))}; see 'ckptfs ckpt ls')";
    }
}
