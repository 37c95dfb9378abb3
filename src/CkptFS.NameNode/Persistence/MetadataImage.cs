using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Persistence;

/// <summary>Everything <see cref="IMetadataStore.Load"/> read: the namespace, the id counters and the checkpoint catalog.</summary>
public sealed record MetadataImage(NamespaceTree Tree, ulong NextInodeId, IdCounters Counters, CheckpointCatalog? Checkpoints = null);
