using System.Collections.Immutable;
using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Persistence;

/// <summary>
/// Converts between in-memory inodes and their durable <see cref="InodeRecord"/> form. A file's
/// length is stored too (for tools that read records) but rebuilt from its blocks on load.
/// </summary>
internal static class InodeRecords
{
    public static InodeRecord ToRecord(Inode inode)
    {
        var record = new InodeRecord
        {
            Id = inode.Id.Value,
            ParentId = inode.ParentId.Value,
            Name = inode.Name,
            ModificationTimeMs = inode.ModificationTimeMs,
            AccessTimeMs = inode.AccessTimeMs,
            Owner = inode.Owner,
            Group = inode.Group,
            Permission = inode.Permission,
        };
        if (inode is FileInode file)
        {
            record.Type = FileType.File;
            record.Length = (ulong)file.Length;
            record.Replication = (uint)file.Replication;
            record.BlockSize = (ulong)file.BlockSize;
            record.LeaseHolder = file.LeaseHolder;
            record.LastCallId = file.IsUnderConstruction ? file.LastCallId : 0;
            foreach (var block in file.Blocks)
            {
                record.Blocks.Add(new ExtendedBlock { BlockId = block.Id.Value, GenerationStamp = block.GenerationStamp.Value, NumBytes = (ulong)block.NumBytes });
            }
        }
        else
        {
            record.Type = FileType.Directory;
            var quota = ((DirectoryInode)inode).Quota;
            record.NamespaceQuota = (ulong)quota.NamespaceLimit;
            record.SpaceQuota = (ulong)quota.SpaceLimit;
        }
        return record;
    }

    public static FileInode ToFile(InodeRecord record) => new(
        new InodeId(record.Id), new InodeId(record.ParentId), record.Name, record.ModificationTimeMs, AccessTimeOf(record), record.Owner, record.Group,
        (ushort)record.Permission, (int)record.Replication, (long)record.BlockSize, record.LeaseHolder,
        BlocksOf(record))
    {
        LastCallId = record.LastCallId,
    };

    /// <summary>Without LINQ: the load runs this once per file, and most small files have one block or none.</summary>
    private static ImmutableArray<FileBlock> BlocksOf(InodeRecord record)
    {
        if (record.Blocks.Count == 0)
        {
            return [];
        }
        var blocks = ImmutableArray.CreateBuilder<FileBlock>(record.Blocks.Count);
        foreach (var b in record.Blocks)
        {
            blocks.Add(new FileBlock(new BlockId(b.BlockId), new GenerationStamp(b.GenerationStamp), (long)b.NumBytes));
        }
        return blocks.MoveToImmutable();
    }

    public static DirectoryInode ToDirectory(InodeRecord record, ImmutableSortedDictionary<string, Inode> children) => new(
        new InodeId(record.Id), new InodeId(record.ParentId), record.Name, record.ModificationTimeMs, AccessTimeOf(record), record.Owner, record.Group,
        (ushort)record.Permission, children)
    {
        Quota = new DirectoryQuota((long)record.NamespaceQuota, (long)record.SpaceQuota),
    };

    /// <summary>Records written before access times were kept have none: the best guess is the modification time.</summary>
    private static long AccessTimeOf(InodeRecord record) => record.HasAccessTimeMs ? record.AccessTimeMs : record.ModificationTimeMs;
}
