using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Blocks;

public sealed partial class BlockManager
{
    /// <summary>
    /// Complete blocks that need the replication monitor: fewer or more finalized good replicas than
    /// their replication, or a corrupt replica. Blocks under construction are left out (their
    /// pipeline is still filling them). A scan of the map: the monitor runs it once a second, which
    /// costs microseconds per thousand blocks; an incrementally kept queue (HDFS's
    /// LowRedundancyBlocks) is the step after this if maps grow to millions of blocks.
    /// Blocks with a replica on one of <paramref name="inMaintenance"/> are listed too: the monitor
    /// checks that enough of their replicas are on live nodes.
    /// </summary>
    public IReadOnlyList<BlockRedundancy> ListBlocksNeedingRedundancyWork(IReadOnlySet<string> inMaintenance)
    {
        lock (_lock)
        {
            var result = new List<BlockRedundancy>();
            foreach (var info in _blocks.Values)
            {
                if (info.UnderConstruction
                    || (info.FinalizedReplicas == info.Replication && info.CorruptReplicas == 0
                        && (inMaintenance.Count == 0 || !info.Replicas.Any(r => inMaintenance.Contains(r.DatanodeUuid)))))
                {
                    continue;
                }
                result.Add(new BlockRedundancy(
                    new FileBlock(info.Id, info.GenerationStamp, info.NumBytes),
                    info.Replication,
                    [.. info.Replicas.Select(r => new ReplicaHealth(r.DatanodeUuid, r.Kind == ReplicaKind.Finalized, r.Corrupt))],
                    info.ExpectedTargets));
            }
            return result;
        }
    }

    /// <summary>
    /// Drops one replica from the map and queues its deletion on its DataNode (a corrupt replica that
    /// was replaced, or an excess one). False when the map has no such replica any more.
    /// </summary>
    public bool InvalidateReplica(BlockId id, string datanodeUuid, string reason)
    {
        lock (_lock)
        {
            if (!_blocks.TryGetValue(id, out var info) || info.Find(datanodeUuid) is not { } replica)
            {
                return false;
            }
            RemoveReplica(datanodeUuid, id);
            QueueDelete(datanodeUuid, new FileBlock(id, replica.GenerationStamp, replica.NumBytes));
            LogInvalidated(id, datanodeUuid, reason);
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replica of {BlockId} on {DatanodeUuid} scheduled for deletion: {Reason}")]
    private partial void LogInvalidated(BlockId blockId, string datanodeUuid, string reason);
}
