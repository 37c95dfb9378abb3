using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Blocks;

/// <summary>
/// The block map (HDFS BlockManager): for every block of every file, what the namespace expects
/// (genstamp, length, replication, owning inode) and which DataNodes hold a replica. Soft state:
/// never persisted; a restart rebuilds it from the namespace (<see cref="LoadFromNamespace"/>,
/// blocks without locations) and then from DataNode block reports, in safe mode until enough
/// blocks have a replica. Replicas a DataNode must drop (deleted files, stale genstamps, unknown
/// blocks) wait in per-DataNode queues that heartbeat replies drain.
///
/// One lock guards everything: every operation is a few dictionary lookups per block, so
/// contention is low next to the RPCs around it. No I/O and no clock.
/// One file per concern: the map and the namespace side (here), reports, safe mode, queries, waiters.
/// </summary>
public sealed partial class BlockManager
{
    private readonly object _lock = new();
    private readonly Dictionary<BlockId, BlockInfo> _blocks = [];
    private readonly Dictionary<string, HashSet<BlockId>> _blocksByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<FileBlock>> _pendingDeletes = new(StringComparer.Ordinal);
    private readonly BlockManagerOptions _options;
    private readonly ILogger _logger;

    public BlockManager(BlockManagerOptions options, ILogger<BlockManager> logger)
    {
        options.Validate();
        _options = options;
        _logger = logger;
    }

    public BlockManagerOptions Options => _options;

    /// <summary>
    /// At start: every block of every file, with no locations yet, and safe mode on until reports
    /// bring enough of them back (it ends at once when there are no blocks).
    /// </summary>
    public void LoadFromNamespace(NamespaceTree tree) => LoadFiles(FsNamespace.Subtree(tree.Root).OfType<FileInode>());

    /// <summary>
    /// <see cref="LoadFromNamespace"/> from the files the start-up load listed on its way
    /// (<see cref="Persistence.LoadedFiles.WithBlocks"/>): no second walk of the whole tree.
    /// </summary>
    public void LoadFiles(IEnumerable<FileInode> files)
    {
        lock (_lock)
        {
            foreach (var file in files)
            {
                for (var i = 0; i < file.Blocks.Length; i++)
                {
                    var underConstruction = file.IsUnderConstruction && i == file.Blocks.Length - 1;
                    Add(file.Blocks[i], file.Id, file.Replication, underConstruction, []);
                }
            }
            _safeMode = true;
            CheckSafeModeLocked();
        }
    }

    /// <summary>A block AddBlock allocated (under construction), with the pipeline chosen for it.</summary>
    public void AddBlock(FileBlock block, InodeId inode, int replication, IReadOnlyList<string> targets)
    {
        lock (_lock)
        {
            Add(block, inode, replication, underConstruction: true, targets);
        }
    }

    /// <summary>
    /// Records the writer's view of a block (its final or acknowledged length, its genstamp);
    /// <paramref name="complete"/> once the writer moved past it or closed the file.
    /// </summary>
    public void UpdateBlock(FileBlock block, bool complete)
    {
        lock (_lock)
        {
            if (_blocks.TryGetValue(block.Id, out var info))
            {
                info.GenerationStamp = block.GenerationStamp;
                info.NumBytes = block.NumBytes;
                info.UnderConstruction = !complete;
            }
        }
    }

    /// <summary>
    /// Blocks of deleted or replaced files (and abandoned blocks): forgotten here, and every replica
    /// known for them queued for deletion on its DataNode. Replicas not reported yet are deleted
    /// when their DataNode reports them (unknown blocks).
    /// </summary>
    public void RemoveBlocks(IEnumerable<FileBlock> blocks)
    {
        lock (_lock)
        {
            foreach (var block in blocks)
            {
                if (!_blocks.Remove(block.Id, out var info))
                {
                    continue;
                }
                foreach (var replica in info.Replicas)
                {
                    _blocksByNode[replica.DatanodeUuid].Remove(block.Id);
                    QueueDelete(replica.DatanodeUuid, new FileBlock(block.Id, replica.GenerationStamp, replica.NumBytes));
                }
            }
            CheckSafeModeLocked();
        }
    }

    /// <summary>Finalized, not corrupt replicas of a block (0 for an unknown block).</summary>
    public int CountFinalizedReplicas(BlockId id)
    {
        lock (_lock)
        {
            return _blocks.TryGetValue(id, out var info) ? info.FinalizedReplicas : 0;
        }
    }

    /// <summary>The next deletions for a DataNode, at most <see cref="BlockManagerOptions.MaxDeletesPerHeartbeat"/>.</summary>
    public IReadOnlyList<FileBlock> DrainDeletes(string datanodeUuid)
    {
        lock (_lock)
        {
            if (!_pendingDeletes.TryGetValue(datanodeUuid, out var queue) || queue.Count == 0)
            {
                return [];
            }
            var batch = new List<FileBlock>(Math.Min(queue.Count, _options.MaxDeletesPerHeartbeat));
            while (batch.Count < _options.MaxDeletesPerHeartbeat && queue.TryDequeue(out var block))
            {
                batch.Add(block);
            }
            return batch;
        }
    }

    /// <summary>
    /// A dead DataNode: its replicas leave the map (they no longer count as live; re-replication
    /// restores them) and its pending deletions are dropped (its next full report after it comes
    /// back names whatever it still holds).
    /// </summary>
    public void RemoveDatanode(string datanodeUuid)
    {
        lock (_lock)
        {
            if (_blocksByNode.Remove(datanodeUuid, out var held))
            {
                foreach (var id in held)
                {
                    if (_blocks.TryGetValue(id, out var info))
                    {
                        info.Replicas.RemoveAll(r => r.DatanodeUuid == datanodeUuid);
                    }
                }
            }
            _pendingDeletes.Remove(datanodeUuid);
        }
    }

    private void Add(FileBlock block, InodeId inode, int replication, bool underConstruction, IReadOnlyList<string> targets)
    {
        _blocks[block.Id] = new BlockInfo(block.Id, inode, replication)
        {
            GenerationStamp = block.GenerationStamp,
            NumBytes = block.NumBytes,
            UnderConstruction = underConstruction,
            ExpectedTargets = targets,
        };
    }

    private void QueueDelete(string datanodeUuid, FileBlock block)
    {
        if (!_pendingDeletes.TryGetValue(datanodeUuid, out var queue))
        {
            _pendingDeletes[datanodeUuid] = queue = new Queue<FileBlock>();
        }
        queue.Enqueue(block);
    }

    private HashSet<BlockId> NodeBlocks(string datanodeUuid)
    {
        if (!_blocksByNode.TryGetValue(datanodeUuid, out var set))
        {
            _blocksByNode[datanodeUuid] = set = [];
        }
        return set;
    }
}
