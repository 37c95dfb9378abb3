using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Blocks;

public sealed partial class BlockManager
{
    /// <summary>
    /// A full block report: the DataNode's complete list. Diffed against what the map had for that
    /// node: reported replicas are added or updated, replicas it no longer names are removed, and
    /// replicas the namespace does not want (unknown block, older genstamp) are queued for deletion
    /// on that node.
    /// </summary>
    public void ProcessFullReport(string datanodeUuid, IReadOnlyCollection<ReportedReplica> replicas)
    {
        lock (_lock)
        {
            var previously = NodeBlocks(datanodeUuid);
            var reported = new HashSet<BlockId>();
            foreach (var replica in replicas)
            {
                if (Accept(datanodeUuid, replica))
                {
                    reported.Add(replica.Id);
                }
            }
            foreach (var id in previously.Where(id => !reported.Contains(id)).ToList())
            {
                RemoveReplica(datanodeUuid, id);
            }
            LogFullReport(datanodeUuid, replicas.Count, reported.Count);
            CheckSafeModeLocked();
        }
    }

    /// <summary>Replicas received (finalized), being received (rbw) or deleted since the node's last report.</summary>
    public void ProcessIncrementalReport(string datanodeUuid, IEnumerable<(ReportedReplica Replica, ReplicaChange Change)> changes)
    {
        lock (_lock)
        {
            foreach (var (replica, change) in changes)
            {
                if (change == ReplicaChange.Deleted)
                {
                    RemoveReplica(datanodeUuid, replica.Id);
                }
                else
                {
                    Accept(datanodeUuid, replica with { Kind = change == ReplicaChange.Received ? ReplicaKind.Finalized : ReplicaKind.BeingWritten });
                }
            }
            CheckSafeModeLocked();
        }
    }

    /// <summary>
    /// A DataNode or a reader found a replica's bytes bad. The replica stays in the map, marked:
    /// readers skip it unless no good one is left, fsck reports it, and (next issue) it is replaced
    /// and deleted. A report about a replica the map does not have is ignored: there is nothing to mark.
    /// </summary>
    public bool MarkCorrupt(BlockId id, string datanodeUuid, string reason)
    {
        lock (_lock)
        {
            if (!_blocks.TryGetValue(id, out var info) || info.Find(datanodeUuid) is not { } replica)
            {
                LogCorruptUnknown(id, datanodeUuid, reason);
                return false;
            }
            replica.Corrupt = true;
            LogCorrupt(id, datanodeUuid, reason);
            return true;
        }
    }

    /// <summary>Adds or updates one reported replica; false when it was refused (and queued for deletion).</summary>
    private bool Accept(string datanodeUuid, ReportedReplica reported)
    {
        if (!_blocks.TryGetValue(reported.Id, out var info))
        {
            // A block of a deleted file, or one abandoned before its DataNode reported it.
            RemoveReplica(datanodeUuid, reported.Id);
            QueueDelete(datanodeUuid, new FileBlock(reported.Id, reported.GenerationStamp, reported.NumBytes));
            return false;
        }
        if (reported.GenerationStamp < info.GenerationStamp)
        {
            // A replica left behind by a pipeline that was rebuilt: it missed writes.
            RemoveReplica(datanodeUuid, reported.Id);
            QueueDelete(datanodeUuid, new FileBlock(reported.Id, reported.GenerationStamp, reported.NumBytes));
            LogStaleReplica(reported.Id, datanodeUuid, reported.GenerationStamp, info.GenerationStamp);
            return false;
        }
        var replica = info.Find(datanodeUuid);
        if (replica is null)
        {
            replica = new ReplicaInfo(datanodeUuid);
            info.Replicas.Add(replica);
            NodeBlocks(datanodeUuid).Add(reported.Id);
        }
        replica.Kind = reported.Kind;
        replica.GenerationStamp = reported.GenerationStamp;
        replica.NumBytes = reported.NumBytes;
        // A finalized replica of a block whose length is final must have exactly that length; a newer
        // genstamp than the namespace committed is a pipeline the namespace never agreed to.
        if (!info.UnderConstruction && reported.Kind == ReplicaKind.Finalized &&
            (reported.NumBytes != info.NumBytes || reported.GenerationStamp > info.GenerationStamp))
        {
            replica.Corrupt = true;
            LogCorrupt(reported.Id, datanodeUuid,
                $"reported {reported.NumBytes} bytes at genstamp {reported.GenerationStamp}; the block has {info.NumBytes} bytes at genstamp {info.GenerationStamp}");
        }
        if (reported.Kind == ReplicaKind.Finalized)
        {
            WakeFinalizedWaitersLocked(reported.Id, info);
        }
        return true;
    }

    private void RemoveReplica(string datanodeUuid, BlockId id)
    {
        if (_blocks.TryGetValue(id, out var info))
        {
            info.Replicas.RemoveAll(r => r.DatanodeUuid == datanodeUuid);
        }
        if (_blocksByNode.TryGetValue(datanodeUuid, out var set))
        {
            set.Remove(id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Full block report from {DatanodeUuid}: {Reported} replicas, {Accepted} accepted")]
    private partial void LogFullReport(string datanodeUuid, int reported, int accepted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replica of {BlockId} on {DatanodeUuid} has genstamp {Reported}, older than {Expected}: scheduled for deletion")]
    private partial void LogStaleReplica(BlockId blockId, string datanodeUuid, GenerationStamp reported, GenerationStamp expected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica of {BlockId} on {DatanodeUuid} marked corrupt: {Reason}")]
    private partial void LogCorrupt(BlockId blockId, string datanodeUuid, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bad replica report for {BlockId} on {DatanodeUuid} ignored: no such replica is known ({Reason})")]
    private partial void LogCorruptUnknown(BlockId blockId, string datanodeUuid, string reason);
}
