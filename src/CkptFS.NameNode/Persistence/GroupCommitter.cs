using System.Collections.Concurrent;
using System.Diagnostics;
using CkptFS.Common;
using CkptFS.Common.Faults;
using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.Namespace;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Persistence;

/// <summary>
/// Serializes namespace mutations and makes them durable in groups (group commit).
///
/// Protocol, on one dedicated thread:
///   1. take every queued mutation (up to <see cref="MaxGroupSize"/>);
///   2. apply each, in order, to a working copy of the published tree (each sees the ones before it;
///      one that throws is rolled back and fails alone);
///   3. write all their ops as ONE RocksDB batch with a synced WAL;
///   4. only then publish the new tree, apply the group's block-map updates and complete the callers' tasks.
/// So readers never see a change that is not on disk, and one fsync serves a whole group: while a
/// group syncs, the next one queues up. If the store fails, the metadata on disk and in memory can
/// no longer be trusted to agree: the committer stops accepting work and reports the fault
/// (the NameNode exits; the restart rebuilds memory from what is durable).
/// <see cref="Dispose"/> commits what is queued at that moment; later submissions fail with Unavailable.
/// </summary>
public sealed partial class GroupCommitter : IDisposable
{
    public const int MaxGroupSize = 1024;

    private readonly IMetadataStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<PendingMutation> _queue = new();
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stopping = new();
    private PublishedMetadata _published;
    private ulong _nextInodeId;
    private IdCounters _counters;
    private volatile Exception? _fault;

    public GroupCommitter(IMetadataStore store, MetadataImage image, TimeProvider time, ILogger<GroupCommitter> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _published = new PublishedMetadata(image.Tree, image.Checkpoints ?? CheckpointCatalog.Empty);
        _nextInodeId = image.NextInodeId;
        _counters = image.Counters;
        _thread = new Thread(Run) { IsBackground = true, Name = "ckptfs-group-commit" };
        _thread.Start();
    }

    /// <summary>Raised once, on the committer thread, when the store failed and no more work is accepted.</summary>
    public event Action<Exception>? Faulted;

    /// <summary>The latest durable namespace version.</summary>
    public NamespaceTree Published => Volatile.Read(ref _published).Tree;

    /// <summary>The latest durable namespace and checkpoint catalog, from the same batch (one read gives both).</summary>
    public PublishedMetadata PublishedMetadata => Volatile.Read(ref _published);

    public long GroupsCommitted => Interlocked.Read(ref _groupsCommitted);

    public long MutationsCommitted => Interlocked.Read(ref _mutationsCommitted);

    public long SyncMicrosecondsTotal => Interlocked.Read(ref _syncMicroseconds);

    private long _groupsCommitted;
    private long _mutationsCommitted;
    private long _syncMicroseconds;

    /// <summary>
    /// Queues <paramref name="mutation"/>; the task completes after its group is durable and
    /// published. A mutation must be a pure function of the context (it may run exactly once, at
    /// any later time, on the committer thread). Cancelling the token abandons the wait, not the
    /// mutation.
    /// </summary>
    public Task<T> SubmitAsync<T>(Func<MutationContext, T> mutation, CancellationToken cancellationToken = default)
    {
        if (_fault is { } fault)
        {
            return Task.FromException<T>(FaultedError(fault));
        }
        var pending = new PendingMutation<T>(mutation);
        _queue.Enqueue(pending);
        _signal.Release();
        return cancellationToken.CanBeCanceled ? pending.Task.WaitAsync(cancellationToken) : pending.Task;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _signal.Release();
        _thread.Join(TimeSpan.FromSeconds(10));
        FailQueued(new CkptFsException(ErrorCode.Unavailable, "The NameNode is shutting down."));
        _stopping.Dispose();
        _signal.Dispose();
    }

    private void Run()
    {
        var group = new List<PendingMutation>(MaxGroupSize);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                _signal.Wait(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            TakeGroup(group);
            // Each Release matches one queued item; drain the permits taken by this group's extra items.
            for (var i = 1; i < group.Count; i++)
            {
                _signal.Wait(0);
            }
            if (group.Count > 0 && !CommitGroup(group))
            {
                return;
            }
        }
        // Stopping: what was queued before the stop is committed, not failed. The NameNode stops its
        // RPC port first, so these are calls it admitted; their callers get durable answers.
        while (TakeGroup(group) > 0 && CommitGroup(group))
        {
        }
    }

    private int TakeGroup(List<PendingMutation> group)
    {
        group.Clear();
        while (group.Count < MaxGroupSize && _queue.TryDequeue(out var pending))
        {
            group.Add(pending);
        }
        return group.Count;
    }

    private bool CommitGroup(List<PendingMutation> group)
    {
        var context = new MutationContext(_published.Tree, _nextInodeId, _counters, _time.GetUtcNow().ToUnixTimeMilliseconds(), _published.Checkpoints);
        foreach (var pending in group)
        {
            context.Begin();
            if (!pending.Apply(context))
            {
                context.Rollback();
            }
        }
        if (context.HasChanges)
        {
            var ops = context.DrainOps();
            var started = Stopwatch.GetTimestamp();
            try
            {
                _store.Commit(ops);
            }
            catch (Exception exception)
            {
                OnStoreFailure(group, exception);
                return false;
            }
            // Durable, not yet visible nor answered: a crash here must show the change after restart.
            FaultPoints.Hit(FaultPoint.NameNodeAfterCommitBeforeReply);
            Interlocked.Add(ref _syncMicroseconds, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }
        _nextInodeId = context.NextInodeId;
        _counters = context.Counters;
        Volatile.Write(ref _published, new PublishedMetadata(context.Tree, context.Checkpoints));
        RunAfterCommit(context.AfterCommit);
        Interlocked.Increment(ref _groupsCommitted);
        Interlocked.Add(ref _mutationsCommitted, group.Count);
        foreach (var pending in group)
        {
            pending.Publish();
        }
        return true;
    }

    /// <summary>
    /// Soft-state updates of the durable group. One that throws is a bug in the block map; it is
    /// logged and the rest still run: the namespace is already durable and published.
    /// </summary>
    private void RunAfterCommit(IReadOnlyList<Action> actions)
    {
        foreach (var action in actions)
        {
            try
            {
                action();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogAfterCommitFailed(exception);
            }
        }
    }

    private void OnStoreFailure(List<PendingMutation> group, Exception exception)
    {
        _fault = exception;
        LogStoreFailed(exception);
        var error = FaultedError(exception);
        foreach (var pending in group)
        {
            pending.Fail(error);
        }
        FailQueued(error);
        Faulted?.Invoke(exception);
    }

    private void FailQueued(Exception error)
    {
        while (_queue.TryDequeue(out var pending))
        {
            pending.Fail(error);
        }
    }

    private static CkptFsException FaultedError(Exception cause) =>
        new(ErrorCode.StorageFailure, $"The NameNode's metadata store failed ({cause.Message}); restart the NameNode.", cause);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Metadata commit failed; the NameNode stops accepting mutations")]
    private partial void LogStoreFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A block map update after a durable commit failed")]
    private partial void LogAfterCommitFailed(Exception exception);
}
