using CkptFS.Common;
using CkptFS.NameNode.DataNodes;

namespace CkptFS.NameNode.Blocks;

/// <summary>
/// Replicas a block's own pipeline is still finalizing (HDFS's addExpectedReplicasToPending): a
/// writer's Complete needs only the minimum replicas reported, so a block can be complete while the
/// last node of its pipeline has not reported yet (its report trails by milliseconds, by seconds on a
/// busy machine). Copying such a block to another node would be wasted work, refused by a target
/// that already has it, or leave an excess replica to delete. So a pipeline node that is not dead, holds
/// no corrupt replica of the block and has not reported it finalized counts as a replica on its way,
/// for <see cref="ReplicationOptions.PendingTimeout"/> from when the monitor first saw the block short
/// of replicas; after that (a report that never came), the block is copied as any other.
/// </summary>
public sealed partial class ReplicationMonitor
{
    private readonly Dictionary<BlockId, DateTimeOffset> _awaitedSince = [];

    /// <summary>How many of the block's missing replicas are its pipeline's reports still on their way; guarded by _lock.</summary>
    private int AwaitedFromPipeline(BlockRedundancy block, List<string> good, Dictionary<string, DatanodeSnapshot> nodes, DateTimeOffset now)
    {
        var awaited = block.ExpectedTargets.Count(uuid =>
            !good.Contains(uuid)
            && nodes.TryGetValue(uuid, out var node) && node.State != DatanodeLiveness.Dead
            && !block.Replicas.Any(r => r.DatanodeUuid == uuid && r.Corrupt));
        if (awaited == 0)
        {
            _awaitedSince.Remove(block.Block.Id);
            return 0;
        }
        if (!_awaitedSince.TryGetValue(block.Block.Id, out var since))
        {
            _awaitedSince[block.Block.Id] = since = now;
        }
        return now - since < _options.PendingTimeout ? awaited : 0;
    }

    /// <summary>Forgets the blocks that no longer need work (their reports came, or they were deleted).</summary>
    private void ForgetAwaited(IEnumerable<BlockId> stillNeedingWork)
    {
        if (_awaitedSince.Count == 0)
        {
            return;
        }
        var keep = stillNeedingWork.ToHashSet();
        foreach (var id in _awaitedSince.Keys.Where(id => !keep.Contains(id)).ToList())
        {
            _awaitedSince.Remove(id);
        }
    }
}
