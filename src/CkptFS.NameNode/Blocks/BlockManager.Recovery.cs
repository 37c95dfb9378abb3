using CkptFS.Common;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Blocks;

public sealed partial class BlockManager
{
    /// <summary>The file a block belongs to; null for an unknown block.</summary>
    public InodeId? FindOwner(BlockId id)
    {
        lock (_lock)
        {
            return _blocks.TryGetValue(id, out var info) ? info.Inode : null;
        }
    }

    /// <summary>
    /// Where a block under recovery may have replicas: every node that reported one (not corrupt, in
    /// any state) and the pipeline it was last given (whose nodes may not have reported yet, e.g.
    /// after a NameNode restart); unknown block: none.
    /// </summary>
    public IReadOnlyList<string> GetRecoveryLocations(BlockId id)
    {
        lock (_lock)
        {
            if (!_blocks.TryGetValue(id, out var info))
            {
                return [];
            }
            return info.Replicas.Where(r => !r.Corrupt).Select(r => r.DatanodeUuid)
                .Concat(info.ExpectedTargets)
                .Distinct(StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>
    /// A pipeline recovery committed: the block has a new genstamp and the new pipeline. Replicas on
    /// nodes that left the pipeline are stale (they missed packets) and are deleted.
    /// </summary>
    public void UpdatePipeline(FileBlock block, IReadOnlyList<string> nodes)
    {
        lock (_lock)
        {
            if (_blocks.TryGetValue(block.Id, out var info))
            {
                info.GenerationStamp = block.GenerationStamp;
                info.NumBytes = block.NumBytes;
                info.ExpectedTargets = nodes;
                DropReplicasOutsideLocked(info, nodes);
            }
        }
    }

    /// <summary>
    /// A block recovery committed: the block is complete with its new genstamp and length on
    /// <paramref name="targets"/>; replicas elsewhere (left out of the recovery) are deleted. The
    /// targets' own reports of the new genstamp may have arrived already or come shortly.
    /// </summary>
    public void CommitRecoveredBlock(FileBlock block, IReadOnlyCollection<string> targets)
    {
        lock (_lock)
        {
            if (!_blocks.TryGetValue(block.Id, out var info))
            {
                return;
            }
            info.GenerationStamp = block.GenerationStamp;
            info.NumBytes = block.NumBytes;
            info.UnderConstruction = false;
            info.ExpectedTargets = [.. targets];
            DropReplicasOutsideLocked(info, targets);
            CheckSafeModeLocked();
        }
    }

    /// <summary>Replicas older than the block's genstamp on nodes outside <paramref name="keep"/>: forgotten and queued for deletion.</summary>
    private void DropReplicasOutsideLocked(BlockInfo info, IReadOnlyCollection<string> keep)
    {
        foreach (var replica in info.Replicas.Where(r => r.GenerationStamp < info.GenerationStamp && !keep.Contains(r.DatanodeUuid)).ToList())
        {
            RemoveReplica(replica.DatanodeUuid, info.Id);
            QueueDelete(replica.DatanodeUuid, new FileBlock(info.Id, replica.GenerationStamp, replica.NumBytes));
        }
    }
}
