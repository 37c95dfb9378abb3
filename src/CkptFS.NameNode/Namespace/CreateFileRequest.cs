using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

/// <summary>The arguments of <see cref="FsNamespace.CreateAsync"/>; 0 means "the default" for numbers.</summary>
public sealed record CreateFileRequest(
    FsPath Path,
    string Holder,
    bool Overwrite = false,
    bool CreateParent = false,
    int Replication = 0,
    long BlockSizeBytes = 0,
    ushort Permission = 0,
    string? Owner = null);
