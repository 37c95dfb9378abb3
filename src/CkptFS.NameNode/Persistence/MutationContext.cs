using CkptFS.Common;
using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Persistence;

/// <summary>
/// The working state of one commit group: the namespace version the group builds, the metadata
/// ops it will write, the id counters, and the block-map updates to run once it is durable. A mutation reads and replaces <see cref="Tree"/> and
/// records its ops; if it throws, <see cref="GroupCommitter"/> rolls the context back to where the
/// mutation began, so a failed mutation leaves no trace in the group.
/// </summary>
public sealed class MutationContext
{
    private readonly List<MetadataOp> _ops = [];
    private readonly List<Action> _afterCommit = [];
    private ulong _nextInodeId;
    private readonly ulong _persistedNextInodeId;
    private IdCounters _counters;
    private readonly IdCounters _persistedCounters;
    private Savepoint _savepoint;

    internal MutationContext(NamespaceTree tree, ulong nextInodeId, IdCounters counters, long nowMs, CheckpointCatalog? checkpoints = null)
    {
        Tree = tree;
        Checkpoints = checkpoints ?? CheckpointCatalog.Empty;
        _nextInodeId = nextInodeId;
        _persistedNextInodeId = nextInodeId;
        _counters = counters;
        _persistedCounters = counters;
        NowMs = nowMs;
    }

    public NamespaceTree Tree { get; set; }

    /// <summary>The checkpoint catalog the group builds; published with <see cref="Tree"/>, rolled back with it.</summary>
    public CheckpointCatalog Checkpoints { get; set; }

    /// <summary>The group's timestamp (Unix ms): every mutation in a group shares it.</summary>
    public long NowMs { get; }

    internal ulong NextInodeId => _nextInodeId;

    internal IdCounters Counters => _counters;

    /// <summary>Side effects on soft state (the block map) that run once the group is durable, in order, before callers resume.</summary>
    internal IReadOnlyList<Action> AfterCommit => _afterCommit;

    /// <summary>Something to write: ops, or only a moved id counter (a genstamp handed out for a pipeline must never be handed out again).</summary>
    internal bool HasChanges => _ops.Count > 0 || _nextInodeId != _persistedNextInodeId || _counters != _persistedCounters;

    public InodeId AllocateInodeId() => new(_nextInodeId++);

    public BlockId AllocateBlockId()
    {
        var id = new BlockId(_counters.NextBlockId);
        _counters = _counters with { NextBlockId = _counters.NextBlockId + 1 };
        return id;
    }

    public GenerationStamp AllocateGenerationStamp()
    {
        var stamp = new GenerationStamp(_counters.NextGenerationStamp);
        _counters = _counters with { NextGenerationStamp = _counters.NextGenerationStamp + 1 };
        return stamp;
    }

    /// <summary>
    /// Runs <paramref name="action"/> after the group is durable (dropped if this mutation fails):
    /// the block map must never learn of a block, or forget one, that the disk does not agree with.
    /// </summary>
    public void OnCommitted(Action action) => _afterCommit.Add(action);

    public void Put(Inode inode) => _ops.Add(new MetadataOp.PutInode(inode));

    public void Delete(InodeId id) => _ops.Add(new MetadataOp.DeleteInode(id));

    /// <summary>Records an op that is not an inode's (checkpoint records); it is written in the group's batch.</summary>
    public void Record(MetadataOp op) => _ops.Add(op);

    /// <summary>Persists the current attributes of the directory at <paramref name="path"/> (e.g. its new mtime).</summary>
    public void PutDirectory(FsPath path) => Put(Tree.GetDirectory(path));

    internal void Begin() => _savepoint = new Savepoint(Tree, Checkpoints, _ops.Count, _afterCommit.Count, _nextInodeId, _counters);

    internal void Rollback()
    {
        Tree = _savepoint.Tree;
        Checkpoints = _savepoint.Checkpoints;
        _ops.RemoveRange(_savepoint.OpCount, _ops.Count - _savepoint.OpCount);
        _afterCommit.RemoveRange(_savepoint.AfterCommitCount, _afterCommit.Count - _savepoint.AfterCommitCount);
        _nextInodeId = _savepoint.NextInodeId;
        _counters = _savepoint.Counters;
    }

    /// <summary>The group's ops, plus the id counter when it moved.</summary>
    internal IReadOnlyList<MetadataOp> DrainOps()
    {
        if (_nextInodeId != _persistedNextInodeId)
        {
            _ops.Add(new MetadataOp.PutNextInodeId(_nextInodeId));
        }
        if (_counters != _persistedCounters)
        {
            _ops.Add(new MetadataOp.PutCounters(_counters));
        }
        return _ops;
    }

    private readonly record struct Savepoint(NamespaceTree Tree, CheckpointCatalog Checkpoints, int OpCount, int AfterCommitCount, ulong NextInodeId, IdCounters Counters);
}
