using CkptFS.Common;

namespace CkptFS.NameNode.Blocks;

public sealed partial class BlockManager
{
    private readonly Dictionary<BlockId, List<FinalizedWaiter>> _finalizedWaiters = [];

    private sealed record FinalizedWaiter(int Minimum, TaskCompletionSource Reached);

    /// <summary>
    /// Waits until <paramref name="id"/> has <paramref name="minimum"/> finalized, not corrupt replicas
    /// reported, or until <paramref name="cancellationToken"/> ends the wait; true when it has them.
    /// A writer's Complete waits here for the DataNodes' incremental reports, which trail the
    /// pipeline's last ack by a few milliseconds, instead of being told "not yet" and asking again
    /// (one round trip and one synced mutation per small file saved). An unknown block answers at once.
    /// </summary>
    public async Task<bool> WaitForFinalizedAsync(BlockId id, int minimum, CancellationToken cancellationToken)
    {
        FinalizedWaiter waiter;
        lock (_lock)
        {
            if (!_blocks.TryGetValue(id, out var info) || info.FinalizedReplicas >= minimum)
            {
                return info is not null;
            }
            waiter = new FinalizedWaiter(minimum, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (!_finalizedWaiters.TryGetValue(id, out var waiters))
            {
                _finalizedWaiters[id] = waiters = [];
            }
            waiters.Add(waiter);
        }
        try
        {
            await waiter.Reached.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            lock (_lock)
            {
                if (_finalizedWaiters.TryGetValue(id, out var waiters) && waiters.Remove(waiter) && waiters.Count == 0)
                {
                    _finalizedWaiters.Remove(id);
                }
            }
        }
    }

    /// <summary>After a replica of <paramref name="info"/> changed: releases the waiters it now satisfies.</summary>
    private void WakeFinalizedWaitersLocked(BlockId id, BlockInfo info)
    {
        if (!_finalizedWaiters.TryGetValue(id, out var waiters))
        {
            return;
        }
        var finalized = info.FinalizedReplicas;
        foreach (var waiter in waiters.Where(w => finalized >= w.Minimum))
        {
            waiter.Reached.TrySetResult();
        }
    }
}
