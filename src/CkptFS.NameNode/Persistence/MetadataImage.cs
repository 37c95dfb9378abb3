using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Persistence;

/// <summary>Everything <see cref="IMetadataStore.Load"/> read: the namespace and the id counters.</summary>
public sealed record MetadataImage(NamespaceTree Tree, ulong NextInodeId, IdCounters Counters);
