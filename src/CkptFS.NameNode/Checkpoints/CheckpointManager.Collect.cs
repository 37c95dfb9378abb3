using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;

namespace CkptFS.NameNode.Checkpoints;

public sealed partial class CheckpointManager
{
    /// <summary>
    /// Deletes a committed checkpoint, folder and record, in one transaction. The latest one only
    /// with <paramref name="allowLatest"/>: then latest falls back to the newest intact one left.
    /// Returns the latest step afterwards.
    /// </summary>
    public async Task<ulong?> DeleteAsync(FsPath job, ulong step, bool allowLatest, CancellationToken cancellationToken = default)
    {
        _blocks.ThrowIfSafeMode($"delete step {step} of {job}");
        var latest = await _committer.SubmitAsync(context =>
        {
            var entry = RequireJob(context, job);
            if (entry.Checkpoints.GetValueOrDefault(step) is not { } checkpoint
                || CheckpointInspector.Inspect(context.Tree, checkpoint).Condition == CheckpointCondition.Gone)
            {
                throw new CkptFsException(ErrorCode.CheckpointNotFound, $"{job} has no committed checkpoint at step {step} (see 'ckptfs ckpt ls {job}').");
            }
            if (!allowLatest && CheckpointInspector.NewestIntact(context.Tree, entry) == step)
            {
                throw new CkptFsException(ErrorCode.InvalidArgument,
                    $"Step {step} is the latest checkpoint of {job}, the one resume loads; delete it with --force if you mean it.");
            }
            entry = Remove(context, entry, checkpoint);
            return SaveWithLatest(context, entry);
        }, cancellationToken);
        LogDeleted(_logger, job.Value, step, latest);
        return latest;
    }

    public async Task<CheckpointRetention> SetRetentionAsync(FsPath job, CheckpointRetention retention, CancellationToken cancellationToken = default)
    {
        if (retention.KeepLast < 0 || retention.KeepEvery < 0)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Retention of {job}: keep-last and keep-every must be 0 (off) or more.");
        }
        _blocks.ThrowIfSafeMode($"set the retention of {job}");
        await _committer.SubmitAsync(context =>
        {
            RequireJobDirectory(context.Tree, job);
            SaveJob(context, (context.Checkpoints.Find(job) ?? CheckpointJob.New(job)) with { Retention = retention });
            return retention;
        }, cancellationToken);
        LogRetentionSet(_logger, job.Value, retention.ToString());
        return retention;
    }

    /// <summary>One housekeeping pass over one job now (ckptfs ckpt gc): retention, hand-removed folders, abandoned pending steps.</summary>
    public async Task<CollectOutcome> CollectAsync(FsPath job, CancellationToken cancellationToken = default)
    {
        _blocks.ThrowIfSafeMode($"collect the checkpoints of {job}");
        var outcome = await _committer.SubmitAsync(context =>
        {
            RequireJob(context, job);
            return Collect(context, job, retention: true, pending: true);
        }, cancellationToken);
        LogCollected(job, outcome);
        return outcome;
    }

    /// <summary>The janitor's pass: every job, one mutation each (a failure is logged and the next job goes on).</summary>
    public async Task CollectAllAsync(CancellationToken cancellationToken)
    {
        if (_blocks.InSafeMode)
        {
            return;
        }
        foreach (var entry in _committer.PublishedMetadata.Checkpoints.Jobs.Values)
        {
            try
            {
                LogCollected(entry.Path, await _committer.SubmitAsync(context => Collect(context, entry.Path, retention: true, pending: true), cancellationToken));
            }
            catch (CkptFsException e)
            {
                LogCollectFailed(_logger, entry.Path.Value, e);
            }
        }
    }

    /// <summary>
    /// Inside one mutation: drops records whose folder is gone (the whole job when its directory
    /// is), applies retention, collects abandoned pending steps, and sets latest to the newest
    /// intact checkpoint.
    /// </summary>
    private CollectOutcome Collect(MutationContext context, FsPath job, bool retention, bool pending)
    {
        if (context.Checkpoints.Find(job) is not { } entry)
        {
            return CollectOutcome.Nothing;
        }
        if (context.Tree.Find(job) is not DirectoryInode)
        {
            foreach (var step in entry.Checkpoints.Keys)
            {
                context.Record(new MetadataOp.DeleteCheckpoint(job, step));
            }
            context.Checkpoints = context.Checkpoints.Without(job);
            context.Record(new MetadataOp.DeleteCheckpointJob(job));
            return new CollectOutcome([], [], [.. entry.Checkpoints.Keys]);
        }
        var dropped = new List<ulong>();
        foreach (var checkpoint in entry.Checkpoints.Values)
        {
            if (CheckpointInspector.Inspect(context.Tree, checkpoint).Condition == CheckpointCondition.Gone)
            {
                entry = Remove(context, entry, checkpoint);
                dropped.Add(checkpoint.Step);
            }
        }
        var deleted = new List<ulong>();
        if (retention)
        {
            var newest = CheckpointInspector.NewestIntact(context.Tree, entry);
            foreach (var step in entry.Retention.SelectDeletions([.. entry.Checkpoints.Keys], newest))
            {
                entry = Remove(context, entry, entry.Checkpoints[step]);
                deleted.Add(step);
            }
        }
        var collected = pending ? CollectPending(context, job) : [];
        if (dropped.Count > 0 || deleted.Count > 0 || CheckpointInspector.NewestIntact(context.Tree, entry) != entry.LatestStep)
        {
            SaveWithLatest(context, entry);
        }
        return new CollectOutcome(deleted, collected, dropped);
    }

    /// <summary>Pending steps with no file open for write and no change for the grace period are deleted.</summary>
    private List<ulong> CollectPending(MutationContext context, FsPath job)
    {
        var collected = new List<ulong>();
        var root = CheckpointNames.PendingRoot(job);
        if (context.Tree.Find(root) is not DirectoryInode pendingRoot)
        {
            return collected;
        }
        var graceMs = (long)_options.PendingGracePeriod.TotalMilliseconds;
        foreach (var (name, child) in pendingRoot.Children)
        {
            if (CheckpointNames.ParseStep(name) is not { } step || child is not DirectoryInode folder)
            {
                continue;
            }
            var open = FsNamespace.Subtree(folder).OfType<FileInode>().Any(f => f.IsUnderConstruction);
            if (!open && context.NowMs - CheckpointInspector.LastActivityMs(folder) >= graceMs)
            {
                _fs.Delete(context, root.Child(name), recursive: true);
                collected.Add(step);
            }
        }
        if (collected.Count > 0 && context.Tree.Find(root) is DirectoryInode { Children.Count: 0 })
        {
            _fs.Delete(context, root, recursive: false);
        }
        return collected;
    }

    /// <summary>Deletes a checkpoint's folder (when it is still the committed one) and its record.</summary>
    private CheckpointJob Remove(MutationContext context, CheckpointJob entry, CommittedCheckpoint checkpoint)
    {
        if (CheckpointInspector.Inspect(context.Tree, checkpoint).Condition != CheckpointCondition.Gone)
        {
            _fs.Delete(context, checkpoint.Path, recursive: true);
        }
        context.Record(new MetadataOp.DeleteCheckpoint(checkpoint.Job, checkpoint.Step));
        return entry.Without(checkpoint.Step);
    }

    private static ulong? SaveWithLatest(MutationContext context, CheckpointJob entry)
    {
        var latest = CheckpointInspector.NewestIntact(context.Tree, entry);
        SaveJob(context, entry with { LatestStep = latest });
        return latest;
    }
}
