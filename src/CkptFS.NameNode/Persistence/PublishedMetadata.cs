using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Persistence;

/// <summary>
/// What one durable group published: the namespace tree and the checkpoint catalog, as one object
/// so that a reader never pairs a tree with a catalog from another batch (a checkpoint folder
/// without its record, or a record without its folder).
/// </summary>
public sealed record PublishedMetadata(NamespaceTree Tree, CheckpointCatalog Checkpoints);
