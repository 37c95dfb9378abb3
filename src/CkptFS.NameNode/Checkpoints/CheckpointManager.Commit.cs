using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.Common.Faults;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Checkpoints;

public sealed partial class CheckpointManager
{
    /// <summary>
    /// Commits step <c>manifest.Step</c> of <paramref name="job"/> (steps 3 and 4 of the protocol).
    /// Committing the same manifest again answers the committed checkpoint (a retry across a
    /// NameNode restart is harmless); an older step than the latest is committed but latest stays.
    /// </summary>
    public async Task<CommitOutcome> CommitAsync(FsPath job, CheckpointManifest manifest, CancellationToken cancellationToken = default)
    {
        RequireJobPath(job);
        ValidateManifest(job, manifest);
        _blocks.ThrowIfSafeMode($"commit step {manifest.Step} of {job}");
        var (checkpoint, latestMoved, repeated) = await _committer.SubmitAsync(context => Commit(context, job, manifest), cancellationToken);
        if (!repeated)
        {
            LogCommitted(_logger, job.Value, checkpoint.Step, checkpoint.Manifest.Shards.Count, checkpoint.TotalBytes, latestMoved);
        }
        var deleted = await ApplyRetentionAfterCommitAsync(job, cancellationToken);
        return new CommitOutcome(CheckpointView.Of(checkpoint, CheckpointCondition.Intact, string.Empty, latestMoved || IsLatest(job, checkpoint.Step), withManifest: true),
            latestMoved, deleted);
    }

    private (CommittedCheckpoint Checkpoint, bool LatestMoved, bool Repeated) Commit(MutationContext context, FsPath job, CheckpointManifest manifest)
    {
        var step = manifest.Step;
        var tree = context.Tree;
        var entry = context.Checkpoints.Find(job) ?? CheckpointJob.New(job);
        var target = CheckpointNames.Committed(job, step);
        if (entry.Checkpoints.GetValueOrDefault(step) is { } existing && CheckpointInspector.Inspect(tree, existing).Condition != CheckpointCondition.Gone)
        {
            return existing.Manifest.Equals(manifest)
                ? (existing, false, true)
                : throw new CkptFsException(ErrorCode.FileAlreadyExists,
                    $"Cannot commit step {step} of {job}: it is already committed at {target} with another manifest; use a new step, or delete it first (ckptfs ckpt rm {job} {step}).");
        }
        if (tree.Find(target) is not null)
        {
            throw new CkptFsException(ErrorCode.FileAlreadyExists,
                $"Cannot commit step {step} of {job}: {target} exists and is not a committed checkpoint; move it away first.");
        }
        var pendingPath = CheckpointNames.Pending(job, step);
        var pending = tree.Find(pendingPath) as DirectoryInode
            ?? throw new CkptFsException(ErrorCode.CheckpointNotFound,
                $"Cannot commit step {step} of {job}: {pendingPath} does not exist; write the shards there first ('ckptfs ckpt put-shard', or the SDK's CheckpointWriter).");
        ShardValidator.Validate(job, pendingPath, pending, manifest, _blocks);

        // Crash here: nothing of this commit is on disk, the step stays pending.
        FaultPoints.Hit(FaultPoint.NameNodeBeforeCheckpointCommit);
        if (pending.Children.ContainsKey(CheckpointNames.ShardRecordsFolder))
        {
            _fs.Delete(context, pendingPath.Child(CheckpointNames.ShardRecordsFolder), recursive: true);
        }
        var published = _fs.Rename(context, pendingPath, target, overwrite: false);
        var pendingRoot = CheckpointNames.PendingRoot(job);
        if (context.Tree.Find(pendingRoot) is DirectoryInode { Children.Count: 0 })
        {
            _fs.Delete(context, pendingRoot, recursive: false);
        }
        var checkpoint = new CommittedCheckpoint(job, step, published.Inode.Id, context.NowMs, manifest);
        entry = entry.With(checkpoint);
        var latest = CheckpointInspector.NewestIntact(context.Tree, entry);
        var latestMoved = latest == step && entry.LatestStep != step;
        SaveJob(context, entry with { LatestStep = latest });
        context.Record(new MetadataOp.PutCheckpoint(checkpoint));
        // Runs once the batch is durable, before anyone is answered: a crash here must show the checkpoint after restart.
        context.OnCommitted(() => FaultPoints.Hit(FaultPoint.NameNodeAfterCheckpointCommit));
        return (checkpoint, latestMoved, false);
    }

    /// <summary>Checks what can be checked without the namespace: step, shard paths, sizes, duplicates.</summary>
    private static void ValidateManifest(FsPath job, CheckpointManifest manifest)
    {
        if (manifest.Shards.Count == 0)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot commit step {manifest.Step} of {job}: the manifest lists no shards.");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var shard in manifest.Shards)
        {
            if (CheckpointNames.ShardPathProblem(shard.Path) is { } problem)
            {
                throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot commit step {manifest.Step} of {job}: {problem}.");
            }
            if (!seen.Add(shard.Path))
            {
                throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot commit step {manifest.Step} of {job}: shard {shard.Path} is listed twice.");
            }
            foreach (var tensor in shard.Tensors)
            {
                if (tensor.Begin > tensor.End || tensor.End > shard.Size)
                {
                    throw new CkptFsException(ErrorCode.InvalidArgument,
                        $"Cannot commit step {manifest.Step} of {job}: tensor {tensor.Name} of {shard.Path} has bytes [{tensor.Begin}, {tensor.End}) outside the shard's {shard.Size} bytes.");
                }
            }
        }
    }

    private bool IsLatest(FsPath job, ulong step)
    {
        var published = _committer.PublishedMetadata;
        return published.Checkpoints.Find(job) is { } entry && CheckpointInspector.NewestIntact(published.Tree, entry) == step;
    }

    /// <summary>Retention right after a commit. Its failure does not fail the commit (it is durable); the janitor tries again.</summary>
    private async Task<IReadOnlyList<ulong>> ApplyRetentionAfterCommitAsync(FsPath job, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await _committer.SubmitAsync(context => Collect(context, job, retention: true, pending: false), cancellationToken);
            LogCollected(job, outcome);
            return outcome.RetentionDeleted;
        }
        catch (CkptFsException e)
        {
            LogRetentionFailed(_logger, job.Value, e);
            return [];
        }
    }
}
