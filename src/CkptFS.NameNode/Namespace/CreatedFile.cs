namespace CkptFS.NameNode.Namespace;

/// <summary>A file Create made, and its first block when the request asked for one.</summary>
public sealed record CreatedFile(NamespaceEntry Entry, AllocatedBlock? FirstBlock);
