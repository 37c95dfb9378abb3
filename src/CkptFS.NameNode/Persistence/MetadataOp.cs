using CkptFS.Common;
using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Security;

namespace CkptFS.NameNode.Persistence;

/// <summary>One change to the durable metadata; a group of them is written as one synced batch.</summary>
public abstract record MetadataOp
{
    private MetadataOp()
    {
    }

    /// <summary>Writes the inode's record (its attributes, not its children).</summary>
    public sealed record PutInode(Inode Inode) : MetadataOp;

    public sealed record DeleteInode(InodeId Id) : MetadataOp;

    /// <summary>The next inode id to hand out; persisted so that ids are never reused.</summary>
    public sealed record PutNextInodeId(ulong Value) : MetadataOp;

    /// <summary>The next block id and genstamp to hand out; persisted so that neither is reused.</summary>
    public sealed record PutCounters(IdCounters Counters) : MetadataOp;

    /// <summary>A checkpoint job's record: latest pointer and retention (Checkpoints/CheckpointRecords).</summary>
    public sealed record PutCheckpointJob(CheckpointJob Job) : MetadataOp;

    /// <summary>Removes a job's record (its checkpoint records are deleted by their own ops).</summary>
    public sealed record DeleteCheckpointJob(FsPath Job) : MetadataOp;

    /// <summary>One committed checkpoint: its folder's inode and its manifest.</summary>
    public sealed record PutCheckpoint(CommittedCheckpoint Checkpoint) : MetadataOp;

    public sealed record DeleteCheckpoint(FsPath Job, ulong Step) : MetadataOp;

    /// <summary>The key client bearer tokens are signed with (Security/TokenRecords).</summary>
    public sealed record PutTokenKey(byte[] Key) : MetadataOp;

    /// <summary>An issued or renewed client token.</summary>
    public sealed record PutToken(Security.IssuedToken Token) : MetadataOp;

    /// <summary>A revoked or expired client token.</summary>
    public sealed record DeleteToken(ulong Id) : MetadataOp;

    /// <summary>The block token keys after a roll (the whole set: it is small, a few keys).</summary>
    public sealed record PutBlockKeys(BlockKeySet Keys) : MetadataOp;
}
