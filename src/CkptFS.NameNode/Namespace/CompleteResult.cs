namespace CkptFS.NameNode.Namespace;

/// <summary>What Complete did: <see cref="Completed"/> is false while a block lacks its minimum replicas (the file stays open).</summary>
public readonly record struct CompleteResult(NamespaceEntry Entry, bool Completed);
