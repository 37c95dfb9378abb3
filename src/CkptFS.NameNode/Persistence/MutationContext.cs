using CkptFS.Common;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Persistence;

/// <summary>
/// The working state of one commit group: the namespace version the group builds, the metadata
/// ops it will write, and the id counter. A mutation reads and replaces <see cref="Tree"/> and
/// records its ops; if it throws, <see cref="GroupCommitter"/> rolls the context back to where the
/// mutation began, so a failed mutation leaves no trace in the group.
/// </summary>
public sealed class MutationContext
{
    private readonly List<MetadataOp> _ops = [];
    private ulong _nextInodeId;
    private readonly ulong _persistedNextInodeId;
    private Savepoint _savepoint;

    internal MutationContext(NamespaceTree tree, ulong nextInodeId, long nowMs)
    {
        Tree = tree;
        _nextInodeId = nextInodeId;
        _persistedNextInodeId = nextInodeId;
        NowMs = nowMs;
    }

    public NamespaceTree Tree { get; set; }

    /// <summary>The group's timestamp (Unix ms): every mutation in a group shares it.</summary>
    public long NowMs { get; }

    internal ulong NextInodeId => _nextInodeId;

    internal bool HasChanges => _ops.Count > 0;

    public InodeId AllocateInodeId() => new(_nextInodeId++);

    public void Put(Inode inode) => _ops.Add(new MetadataOp.PutInode(inode));

    public void Delete(InodeId id) => _ops.Add(new MetadataOp.DeleteInode(id));

    /// <summary>Persists the current attributes of the directory at <paramref name="path"/> (e.g. its new mtime).</summary>
    public void PutDirectory(FsPath path) => Put(Tree.GetDirectory(path));

    internal void Begin() => _savepoint = new Savepoint(Tree, _ops.Count, _nextInodeId);

    internal void Rollback()
    {
        Tree = _savepoint.Tree;
        _ops.RemoveRange(_savepoint.OpCount, _ops.Count - _savepoint.OpCount);
        _nextInodeId = _savepoint.NextInodeId;
    }

    /// <summary>The group's ops, plus the id counter when it moved.</summary>
    internal IReadOnlyList<MetadataOp> DrainOps()
    {
        if (_nextInodeId != _persistedNextInodeId)
        {
            _ops.Add(new MetadataOp.PutNextInodeId(_nextInodeId));
        }
        return _ops;
    }

    private readonly record struct Savepoint(NamespaceTree Tree, int OpCount, ulong NextInodeId);
}
