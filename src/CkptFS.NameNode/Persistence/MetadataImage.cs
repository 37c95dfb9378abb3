using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Security;

namespace CkptFS.NameNode.Persistence;

/// <summary>
/// Everything <see cref="IMetadataStore.Load"/> read: the namespace, the id counters and the
/// checkpoint catalog, the client tokens, the block token keys (null before the first start that wrote them);
/// <see cref="Files"/> lists the files the block map and the lease table start from.
/// </summary>
public sealed record MetadataImage(NamespaceTree Tree, ulong NextInodeId, IdCounters Counters, CheckpointCatalog? Checkpoints = null, LoadedFiles? Files = null,
    Security.TokenState? Tokens = null, BlockKeySet? BlockKeys = null)
{
    /// <summary>The files with blocks and the open files, found on the way or, for an image built otherwise, by a walk.</summary>
    public LoadedFiles LoadedFiles => Files ?? NamespaceLoader.FilesOf(Tree);
}
