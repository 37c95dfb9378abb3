using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

/// <summary>An inode together with the path it was found at (inodes do not know their full path).</summary>
public readonly record struct NamespaceEntry(FsPath Path, Inode Inode);
