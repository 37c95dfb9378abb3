using CkptFS.Client.Checkpoints;
using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.Mount.Paths;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CkptFS.Mount.FileSystem;

/// <summary>
/// The checkpoint idioms through plain POSIX calls: shards written under JOB/.pending/step-N get
/// their shard records while they stream (see the files part), rename(JOB/.pending/step-N,
/// JOB/step-N) is the atomic commit, JOB/latest is a symbolic link to the newest intact step, and a
/// committed step does not change.
/// </summary>
public sealed partial class CkptFsFileSystem
{
    public int ReadLink(string path, out string target)
    {
        string? result = null;
        var errno = Run("readlink", path, () =>
        {
            if (LatestTarget(path) is not { } latest)
            {
                return TryStatus(_paths.ToRemote(path)) is null ? -Errno.ENOENT : -Errno.EINVAL;
            }
            result = latest.Name;
            return 0;
        });
        target = result ?? string.Empty;
        return errno;
    }

    /// <summary>JOB/latest: the link's target ("step-NNNNNNNN") and the job directory's status; null when the job has no intact checkpoint.</summary>
    private (string Name, FileStatus Job)? LatestTarget(string path)
    {
        if (_paths.AsLatestLink(path) is not { } job || TryStatus(job) is not { Type: FileType.Directory } directory)
        {
            return null;
        }
        try
        {
            var listing = _client.ListCheckpointsAsync(job).GetAwaiter().GetResult();
            return listing.HasLatest ? (CheckpointNames.StepName(listing.LatestStep), directory) : null;
        }
        catch (CkptFsException e) when (e.Code is ErrorCode.CheckpointNotFound or ErrorCode.FileNotFound or ErrorCode.NotADirectory)
        {
            return null;
        }
    }

    /// <summary>rename(JOB/.pending/step-N, JOB/step-N): commits the step from the shard records its files left.</summary>
    private int Commit(string from, CheckpointCommit commit)
    {
        if (commit.Step != commit.TargetStep)
        {
            throw new MountRefusal(Errno.EINVAL, $"a pending step is committed under its own step: rename {CheckpointNames.StepName(commit.Step)} to JOB/{CheckpointNames.StepName(commit.Step)}, not {CheckpointNames.StepName(commit.TargetStep)}");
        }
        var prefix = from.TrimEnd('/') + "/";
        if (_handles.All.OfType<Handles.WriteHandle>().FirstOrDefault(h => h.IsOpen && h.Path.StartsWith(prefix, StringComparison.Ordinal)) is { } open)
        {
            throw new MountRefusal(Errno.EBUSY, $"cannot commit step {commit.Step} of {commit.Job}: {open.Path} is still open for write (close every shard first)");
        }
        try
        {
            var response = CheckpointCommitter.CommitFromShardRecordsAsync(_client, commit.Job, commit.Step).GetAwaiter().GetResult();
            _logger.LogInformation("Committed step {Step} of {Job}: {Shards} shard(s), {Bytes} bytes.", commit.Step, commit.Job, response.Checkpoint.ShardCount, response.Checkpoint.TotalBytes);
        }
        catch (CkptFsException e) when (e.Code == ErrorCode.CheckpointIncomplete)
        {
            var errno = e.Message.Contains("open for write", StringComparison.Ordinal) ? Errno.EBUSY : Errno.EIO;
            _logger.LogWarning("The commit of step {Step} of {Job} was refused (errno {Errno}): {Reason}", commit.Step, commit.Job, errno, e.Message);
            return -errno;
        }
        _attributes.ForgetTree(CheckpointNames.PendingRoot(FsPath.Parse(commit.Job)).Value);   // the commit may remove an emptied .pending
        _attributes.ForgetTree(CheckpointNames.Committed(FsPath.Parse(commit.Job), commit.Step).Value);
        return 0;
    }

    /// <summary>Creating anything inside a committed checkpoint is refused: a committed step never changes.</summary>
    private void RequireNotCommitted(string call, string path)
    {
        if (_paths.AsCommittedContent(path) is not { } candidate)
        {
            return;
        }
        var step = CheckpointNames.Committed(FsPath.Parse(candidate.Job), candidate.Step).Value;
        if (TryStatus(step) is not { Type: FileType.Directory })
        {
            return;
        }
        try
        {
            var listing = _client.ListCheckpointsAsync(candidate.Job).GetAwaiter().GetResult();
            if (listing.Checkpoints.Any(c => c.Step == candidate.Step && c.State != CheckpointState.Pending))
            {
                throw new MountRefusal(Errno.EACCES, $"{call} {path}: step {candidate.Step} of {candidate.Job} is a committed checkpoint, which never changes (write a new step under .pending)");
            }
        }
        catch (CkptFsException e) when (e.Code is ErrorCode.CheckpointNotFound or ErrorCode.FileNotFound or ErrorCode.NotADirectory)
        {
        }
    }
}
