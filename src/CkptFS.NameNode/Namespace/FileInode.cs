using System.Collections.Immutable;
using CkptFS.Common;

namespace CkptFS.NameNode.Namespace;

/// <summary>
/// A file. <see cref="LeaseHolder"/> is set while the file is under construction (open for write
/// by that client) and empty once it is closed. Its length is the sum of its blocks'.
/// </summary>
public sealed record FileInode(
    InodeId Id,
    InodeId ParentId,
    string Name,
    long ModificationTimeMs,
    long AccessTimeMs,
    string Owner,
    string Group,
    ushort Permission,
    int Replication,
    long BlockSize,
    string LeaseHolder,
    ImmutableArray<FileBlock> Blocks)
    : Inode(Id, ParentId, Name, ModificationTimeMs, AccessTimeMs, Owner, Group, Permission)
{
    public override bool IsDirectory => false;

    /// <summary>The sum of the block lengths: final for a closed file; for one being written, what the writer reported.</summary>
    public long Length
    {
        get
        {
            long length = 0;
            foreach (var block in Blocks)
            {
                length += block.NumBytes;
            }
            return length;
        }
    }

    public FileBlock? LastBlock => Blocks.IsEmpty ? null : Blocks[^1];

    /// <summary>The file with its last block replaced (same id; new length or genstamp).</summary>
    public FileInode WithLastBlock(FileBlock block) => this with { Blocks = Blocks.SetItem(Blocks.Length - 1, block) };

    public bool IsUnderConstruction => LeaseHolder.Length != 0;
}
