using CkptFS.Common;

namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// Why a replica is gone, for the one case a pipeline needs to know it: its disk filled. Every node of a
/// pipeline writes the same bytes, so its disks tend to fill together; the node that fails first names
/// itself (ERROR_DISK_FULL in its ack slot), the others discard their replicas too, and the client's
/// pipeline recovery then finds them gone. Without this memory they would answer "not on this DataNode"
/// and the client could not tell a full cluster from a broken one. Bounded: the last
/// <see cref="DiskFullMemory"/> blocks, about one per block a pipeline could still be recovering.
/// </summary>
public sealed partial class BlockStore
{
    private const int DiskFullMemory = 1024;

    private readonly Dictionary<BlockId, string> _discardedForDiskFull = [];
    private readonly Queue<BlockId> _discardedForDiskFullOrder = new();

    /// <summary>Remembers that <paramref name="id"/> was discarded because its disk filled (<paramref name="reason"/>). Caller holds the lock.</summary>
    private void RememberDiskFull(BlockId id, string reason)
    {
        if (_discardedForDiskFull.TryAdd(id, reason))
        {
            _discardedForDiskFullOrder.Enqueue(id);
            if (_discardedForDiskFullOrder.Count > DiskFullMemory)
            {
                _discardedForDiskFull.Remove(_discardedForDiskFullOrder.Dequeue());
            }
        }
        else
        {
            _discardedForDiskFull[id] = reason;
        }
    }

    /// <summary>
    /// A recovery found no replica of <paramref name="id"/>: when it was discarded because the disk filled,
    /// the refusal says so (DiskFull), so that the writer knows this node is full; otherwise <paramref name="notFound"/>.
    /// </summary>
    private CkptFsException ExplainMissing(BlockId id, CkptFsException notFound)
    {
        lock (_lock)
        {
            return _discardedForDiskFull.TryGetValue(id, out var reason)
                ? new CkptFsException(ErrorCode.DiskFull, $"{id} is no longer on this DataNode: it was discarded when the disk filled ({reason}); drop this DataNode from the pipeline.")
                : notFound;
        }
    }
}
