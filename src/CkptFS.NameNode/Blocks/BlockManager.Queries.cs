using CkptFS.Common;

namespace CkptFS.NameNode.Blocks;

public sealed partial class BlockManager
{
    /// <summary>
    /// Where a block's replicas are: good ones, corrupt ones, and the pipeline it was allocated
    /// with (for a block under construction whose replicas are not reported yet).
    /// </summary>
    public BlockReplicas GetReplicas(BlockId id)
    {
        lock (_lock)
        {
            if (!_blocks.TryGetValue(id, out var info))
            {
                return BlockReplicas.Unknown(id);
            }
            return new BlockReplicas(id, info.Replication, info.UnderConstruction,
                [.. info.Replicas.Where(r => !r.Corrupt).Select(r => r.DatanodeUuid)],
                [.. info.Replicas.Where(r => r.Corrupt).Select(r => r.DatanodeUuid)],
                info.ExpectedTargets);
        }
    }

    /// <summary>Replicas the map holds for a DataNode (its block count in reports).</summary>
    public int CountReplicasOn(string datanodeUuid)
    {
        lock (_lock)
        {
            return _blocksByNode.TryGetValue(datanodeUuid, out var set) ? set.Count : 0;
        }
    }

    /// <summary>Deletions still queued for a DataNode.</summary>
    public int CountPendingDeletes(string datanodeUuid)
    {
        lock (_lock)
        {
            return _pendingDeletes.TryGetValue(datanodeUuid, out var queue) ? queue.Count : 0;
        }
    }

    public BlockStats GetStats()
    {
        lock (_lock)
        {
            long missing = 0, under = 0, corrupt = 0;
            foreach (var info in _blocks.Values)
            {
                corrupt += info.CorruptReplicas;
                if (info.UnderConstruction)
                {
                    continue;
                }
                var live = info.LiveReplicas;
                if (live == 0)
                {
                    missing++;
                }
                else if (live < info.Replication)
                {
                    under++;
                }
            }
            return new BlockStats(_blocks.Count, missing, under, corrupt);
        }
    }
}
