using System.Collections.Concurrent;
using System.Threading.Channels;
using CkptFS.Common;
using CkptFS.DataNode.Transfer;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;
using RecoveryCommand = CkptFS.Protocol.V1.RecoverBlocksCommand.Types.Recovery;

namespace CkptFS.DataNode.Recovery;

/// <summary>
/// Leads the block recoveries the NameNode gives this node as primary (HDFS BlockRecoveryWorker), after
/// a writer's lease expired or a client asked to recover a file. Recoveries wait in a bounded queue and
/// <see cref="BlockRecoveryOptions.MaxConcurrentRecoveries"/> run at once; the heartbeat loop only
/// enqueues. Each recovery:
/// 1. INIT_REPLICA_RECOVERY on every listed replica, this node included, in parallel
///    (<see cref="ReplicaRecoveryClient"/>); a replica that refuses or cannot be reached is left out.
/// 2. <see cref="RecoveryPlan"/> chooses the length and the replicas to keep.
/// 3. UPDATE_REPLICA_UNDER_RECOVERY on each kept replica, in parallel; those that succeed, now finalized
///    with the recovery id as genstamp, are the new targets.
/// 4. CommitBlockSynchronization: close the file with the new genstamp and length, or drop the block when
///    no replica held a byte (the link retries it while the NameNode is unreachable).
/// A recovery that cannot finish (no replica answered, none took the update, the commit failed) is logged
/// and not retried here: the NameNode starts another, with a new recovery id, after its recovery timeout.
/// </summary>
public sealed class BlockRecoveryWorker : IAsyncDisposable
{
    private readonly BlockRecoveryOptions _options;
    private readonly string _selfUuid;
    private readonly Func<CommitBlockSynchronizationRequest, CancellationToken, Task> _commit;
    private readonly ILogger _logger;
    private readonly Channel<RecoveryCommand> _queue;
    private readonly ConcurrentDictionary<(ulong Block, ulong RecoveryId), bool> _active = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _workers;
    private readonly DataTransferDialer _dialer;

    /// <param name="selfUuid">This DataNode's uuid: the primary named in the commit.</param>
    /// <param name="commit">Sends CommitBlockSynchronization to the NameNode (NameNodeLink.CommitBlockSynchronizationAsync).</param>
    /// <param name="dialer">How the replicas' transfer ports are dialled (null: cleartext only).</param>
    public BlockRecoveryWorker(BlockRecoveryOptions options, string selfUuid, Func<CommitBlockSynchronizationRequest, CancellationToken, Task> commit,
        ILogger<BlockRecoveryWorker> logger, DataTransferDialer? dialer = null)
    {
        options.Validate();
        _dialer = dialer ?? DataTransferDialer.Cleartext;
        _options = options;
        _selfUuid = selfUuid;
        _commit = commit;
        _logger = logger;
        _queue = Channel.CreateBounded<RecoveryCommand>(new BoundedChannelOptions(options.MaxQueuedRecoveries) { FullMode = BoundedChannelFullMode.Wait });
        _workers = [.. Enumerable.Range(0, options.MaxConcurrentRecoveries).Select(_ => Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None))];
    }

    /// <summary>Queues the command's recoveries; returns at once. A recovery already queued or running here is not queued twice.</summary>
    public void Enqueue(RecoverBlocksCommand command)
    {
        foreach (var recovery in command.Recoveries)
        {
            var id = new BlockId(recovery.Block?.BlockId ?? 0);
            if (!_active.TryAdd((id.Value, recovery.NewGenerationStamp), true))
            {
                BlockRecoveryLog.AlreadyRunning(_logger, recovery.NewGenerationStamp, id);
            }
            else if (!_queue.Writer.TryWrite(recovery))
            {
                _active.TryRemove((id.Value, recovery.NewGenerationStamp), out _);
                if (_stopping.IsCancellationRequested)
                {
                    BlockRecoveryLog.Cancelled(_logger, recovery.NewGenerationStamp, id);
                }
                else
                {
                    BlockRecoveryLog.Dropped(_logger, recovery.NewGenerationStamp, id, _options.MaxQueuedRecoveries);
                }
            }
        }

        BlockRecoveryLog.Queued(_logger, command.Recoveries.Count);
    }

    /// <summary>
    /// Runs one recovery (steps 1-4 of the class comment); returns the CommitBlockSynchronization request
    /// the NameNode accepted, or null when there was nothing to commit (logged). A failed commit throws.
    /// </summary>
    public async Task<CommitBlockSynchronizationRequest?> RecoverAsync(RecoveryCommand recovery, CancellationToken cancellationToken)
    {
        var block = recovery.Block ?? throw new CkptFsException(ErrorCode.InvalidArgument, "A recover command names no block.");
        var id = new BlockId(block.BlockId);
        var recoveryId = recovery.NewGenerationStamp;
        var answers = await CallEachAsync(recovery, recovery.Replicas, "INIT_REPLICA_RECOVERY",
            node => ReplicaRecoveryClient.InitAsync(node, block, recovery.Token, recoveryId, _options.ReplicaCallTimeout, _dialer, cancellationToken)).ConfigureAwait(false);
        var plan = RecoveryPlan.Choose(answers, out var reason);
        if (plan is null)
        {
            BlockRecoveryLog.NotCommitted(_logger, recoveryId, id, reason);
            return null;
        }

        var request = new CommitBlockSynchronizationRequest
        {
            DatanodeUuid = _selfUuid,
            Block = block,
            NewGenerationStamp = recoveryId,
            NewLength = (ulong)plan.NewLength,
            CloseFile = true,
            DeleteBlock = plan.DeleteBlock,
        };
        if (!plan.DeleteBlock)
        {
            var updated = await CallEachAsync(recovery, plan.Keep, "UPDATE_REPLICA_UNDER_RECOVERY",
                node => ReplicaRecoveryClient.UpdateAsync(node, block, recovery.Token, recoveryId, plan.NewLength, _options.ReplicaCallTimeout, _dialer, cancellationToken))
                .ConfigureAwait(false);
            if (updated.Count == 0)
            {
                BlockRecoveryLog.NotCommitted(_logger, recoveryId, id, $"none of the {plan.Keep.Count} replicas kept took the update to {plan.NewLength} bytes");
                return null;
            }

            request.NewTargets.Add(updated.Select(replica => replica.Node.DatanodeUuid));
        }

        await _commit(request, cancellationToken).ConfigureAwait(false);
        if (plan.DeleteBlock)
        {
            BlockRecoveryLog.CommittedDelete(_logger, recoveryId, id, reason);
        }
        else
        {
            BlockRecoveryLog.Committed(_logger, recoveryId, id, plan.NewLength, string.Join(", ", request.NewTargets), reason);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await Task.WhenAll(_workers);
        _stopping.Dispose();
    }

    /// <summary>Calls <paramref name="nodes"/> in parallel; returns the answers of those that succeeded. A failure leaves that replica out (logged).</summary>
    private async Task<List<(DatanodeId Node, T Answer)>> CallEachAsync<T>(RecoveryCommand recovery, IEnumerable<DatanodeId> nodes, string op, Func<DatanodeId, Task<T>> call)
    {
        var calls = nodes.Select(async node =>
        {
            try
            {
                return (Node: node, Answer: await call(node).ConfigureAwait(false), Ok: true);
            }
            catch (CkptFsException exception) when (exception.Code != ErrorCode.Cancelled)
            {
                BlockRecoveryLog.ReplicaLeftOut(_logger, recovery.NewGenerationStamp, new BlockId(recovery.Block.BlockId), op, TransferStatuses.Address(node),
                    exception.Code, exception.Message);
                return (Node: node, Answer: default(T)!, Ok: false);
            }
        });
        var results = await Task.WhenAll(calls).ConfigureAwait(false);
        return [.. results.Where(result => result.Ok).Select(result => (result.Node, result.Answer))];
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var recovery in _queue.Reader.ReadAllAsync(stopping))
            {
                await RecoverOneAsync(recovery, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RecoverOneAsync(RecoveryCommand recovery, CancellationToken stopping)
    {
        var id = new BlockId(recovery.Block?.BlockId ?? 0);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(_options.RecoveryTimeout);
        try
        {
            await RecoverAsync(recovery, deadline.Token);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            if (stopping.IsCancellationRequested)
            {
                BlockRecoveryLog.Cancelled(_logger, recovery.NewGenerationStamp, id);
                return;
            }

            BlockRecoveryLog.Failed(_logger, exception, recovery.NewGenerationStamp, id);
        }
        finally
        {
            _active.TryRemove((id.Value, recovery.NewGenerationStamp), out _);
        }
    }
}
