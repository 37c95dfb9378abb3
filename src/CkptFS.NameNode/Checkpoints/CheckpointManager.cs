using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Checkpoints;

/// <summary>
/// Checkpoints as first-class objects: the core behind ckptfs.v1.CheckpointProtocol. No I/O of its
/// own: every change is one mutation of the <see cref="GroupCommitter"/>, so the namespace change
/// and the checkpoint records go to disk in one synced RocksDB batch, and readers see both or
/// neither.
///
/// Protocol of a checkpoint of job JOB at step N (names: <see cref="CheckpointNames"/>):
///   1. Begin (any rank, idempotent): JOB/.pending/step-N exists, JOB is registered as a job;
///   2. each rank writes its shards there as ordinary files (one writer each) and closes them;
///   3. Commit (one coordinator) with the manifest: the pending folder is checked against it
///      (<see cref="ShardValidator"/>), then ONE mutation renames it to JOB/step-N, drops the shard
///      records folder, stores the manifest and moves the latest pointer: complete or invisible;
///   4. retention runs as the next mutation (a crash between leaves extra checkpoints, never fewer);
///   5. the janitor (every <see cref="CheckpointOptions.ScanInterval"/>) applies retention, drops
///      records of folders removed by hand and collects pending steps that are abandoned: no file
///      open for write (lease recovery closes a dead writer's files) and idle for
///      <see cref="CheckpointOptions.PendingGracePeriod"/>.
/// One file per concern: begin (here), Commit, Queries, Collect (delete, retention, pending), Log.
/// </summary>
public sealed partial class CheckpointManager
{
    private readonly GroupCommitter _committer;
    private readonly FsNamespace _fs;
    private readonly BlockManager _blocks;
    private readonly CheckpointOptions _options;
    private readonly ILogger _logger;

    public CheckpointManager(GroupCommitter committer, FsNamespace fs, BlockManager blocks, CheckpointOptions options, ILogger<CheckpointManager> logger)
    {
        options.Validate();
        _committer = committer;
        _fs = fs;
        _blocks = blocks;
        _options = options;
        _logger = logger;
    }

    public CheckpointOptions Options => _options;

    /// <summary>
    /// Makes JOB/.pending/step-N (and JOB) exist and registers JOB as a checkpoint job. Refused when
    /// step N is already committed and intact: a second checkpoint of one step would be ambiguous.
    /// </summary>
    public async Task<FsPath> BeginAsync(FsPath job, ulong step, string? owner, CancellationToken cancellationToken = default)
    {
        RequireJobPath(job);
        _blocks.ThrowIfSafeMode($"begin a checkpoint of {job}");
        var pending = CheckpointNames.Pending(job, step);
        var user = string.IsNullOrEmpty(owner) ? _fs.Options.DefaultOwner : owner;
        await _committer.SubmitAsync(context =>
        {
            var entry = context.Checkpoints.Find(job);
            if (entry?.Checkpoints.GetValueOrDefault(step) is { } committed
                && CheckpointInspector.Inspect(context.Tree, committed).Condition != CheckpointCondition.Gone)
            {
                throw new CkptFsException(ErrorCode.FileAlreadyExists,
                    $"Cannot begin step {step} of {job}: it is already committed at {committed.Path}; use a new step, or delete it first (ckptfs ckpt rm {job} {step}).");
            }
            _fs.EnsureDirectories(context, pending, FsNamespace.DefaultDirectoryPermission, user);
            if (entry is null)
            {
                SaveJob(context, CheckpointJob.New(job));
            }
            return pending;
        }, cancellationToken);
        return pending;
    }

    private static void RequireJobPath(FsPath job)
    {
        if (job.IsRoot)
        {
            throw new CkptFsException(ErrorCode.InvalidPath, "A checkpoint job is a directory below /, e.g. /jobs/llama-7b; / itself cannot be one.");
        }
    }

    /// <summary>Publishes a job's new state in the mutation and records it for the batch.</summary>
    private static void SaveJob(MutationContext context, CheckpointJob job)
    {
        context.Checkpoints = context.Checkpoints.With(job);
        context.Record(new MetadataOp.PutCheckpointJob(job));
    }

    /// <summary>The job's state in the mutation, or the error a user expects when it has none.</summary>
    private static CheckpointJob RequireJob(MutationContext context, FsPath job) =>
        context.Checkpoints.Find(job)
        ?? throw new CkptFsException(ErrorCode.CheckpointNotFound, $"{job} has no checkpoints (save one with 'ckptfs ckpt save {job} STEP LOCALDIR').");
}
