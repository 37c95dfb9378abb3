using CkptFS.Common;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Events;
using CkptFS.NameNode.Leases;
using CkptFS.NameNode.Persistence;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Namespace;

/// <summary>
/// The namespace core: files and directories, their attributes and who is writing them. No I/O
/// and no clock of its own: mutations run inside <see cref="GroupCommitter"/> (which persists them
/// before anyone can see them) with the group's timestamp; reads walk the published tree without
/// locks. One file per concern: Mkdirs, Create (and Complete), Rename, Delete, Read, Blocks
/// (AddBlock, AbandonBlock, UpdateLength), Pipeline (pipeline recovery), Recovery (lease and block
/// recovery), Locations, Fsck.
///
/// Leases: who writes a file is durable (<see cref="FileInode.LeaseHolder"/>); the
/// <see cref="LeaseManager"/> index over it is updated after each durable change, like the block map.
///
/// Blocks: a file's blocks are part of its durable inode; where their replicas are is soft state in
/// the <see cref="BlockManager"/>, which a mutation updates only after its batch is durable
/// (<see cref="MutationContext.OnCommitted"/>). While the block manager is in safe mode every
/// mutation is refused with the transient <see cref="ErrorCode.SafeMode"/>.
/// </summary>
public sealed partial class FsNamespace
{
    public const ushort DefaultDirectoryPermission = 0b111_101_101; // 0755
    public const ushort DefaultFilePermission = 0b110_100_100;      // 0644

    private readonly GroupCommitter _committer;
    private readonly NamespaceOptions _options;
    private readonly BlockManager _blocks;
    private readonly DatanodeManager _datanodes;
    private readonly LeaseManager _leases;
    private readonly BlockRecoveries _recoveries;
    private readonly ILogger _logger;

    public FsNamespace(GroupCommitter committer, NamespaceOptions options, BlockManager blocks, DatanodeManager datanodes, LeaseManager leases,
        BlockRecoveries recoveries, ILogger<FsNamespace> logger)
    {
        options.Validate();
        _committer = committer;
        _options = options;
        _blocks = blocks;
        _datanodes = datanodes;
        _leases = leases;
        _recoveries = recoveries;
        _logger = logger;
    }

    public LeaseManager Leases => _leases;

    /// <summary>Where lease recoveries that closed a file are recorded for operators (the web UI).</summary>
    public NameNodeEventLog? Events { get; init; }

    /// <summary>The latest durable version of the namespace.</summary>
    public NamespaceTree Current => _committer.Published;

    public NamespaceOptions Options => _options;

    private string OwnerOrDefault(string? owner) => string.IsNullOrEmpty(owner) ? _options.DefaultOwner : owner;

    private static ushort PermissionOrDefault(ushort permission, ushort defaultPermission) =>
        permission == 0 ? defaultPermission : (ushort)(permission & 0b111_111_111_111);

    /// <summary>
    /// Makes sure <paramref name="path"/> is a directory, creating it and any missing ancestors when
    /// <paramref name="createMissing"/> (else only a missing last component may be created by the caller).
    /// Returns the directory path so callers can chain.
    /// </summary>
    private static DirectoryInode RequireParentDirectory(NamespaceTree tree, FsPath parent, FsPath child)
    {
        var inode = tree.Find(parent);
        return inode switch
        {
            DirectoryInode directory => directory,
            null => throw new CkptFsException(ErrorCode.FileNotFound,
                $"Cannot create {child}: the parent directory {parent} does not exist (create parents with -p)."),
            _ => throw new CkptFsException(ErrorCode.ParentNotDirectory,
                $"Cannot create {child}: {parent} is a file, not a directory."),
        };
    }
}
