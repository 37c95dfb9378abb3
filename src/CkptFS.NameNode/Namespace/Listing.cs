namespace CkptFS.NameNode.Namespace;

/// <summary>One page of a directory listing and how many entries follow it.</summary>
public sealed record Listing(IReadOnlyList<NamespaceEntry> Entries, int Remaining);
