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
    string? Owner = null)
{
    /// <summary>
    /// The call id of the request when its client id is <see cref="Holder"/> (0: none). A Create whose
    /// call id is the file's <see cref="FileInode.LastCallId"/> is its own retry (after a NameNode restart) and is answered with the file.
    /// </summary>
    public ulong CallId { get; init; }

    /// <summary>Allocate the file's first block in the same mutation (the writer has data for it).</summary>
    public bool AllocateFirstBlock { get; init; }

    /// <summary>With <see cref="AllocateFirstBlock"/>: the writer's host, a DataNode there chosen first.</summary>
    public string? ClientHost { get; init; }
}
