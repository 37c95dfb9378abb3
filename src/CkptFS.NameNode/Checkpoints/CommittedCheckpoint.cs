using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Checkpoints;

/// <summary>
/// A committed checkpoint as the catalog records it. <see cref="DirectoryId"/> is the inode of the
/// published folder: if the folder at <see cref="Path"/> is gone or is another inode (removed or
/// replaced with plain rm / mv), the record no longer describes anything and is dropped.
/// <see cref="Manifest"/> is never mutated once recorded.
/// </summary>
public sealed record CommittedCheckpoint(FsPath Job, ulong Step, InodeId DirectoryId, long CommittedMs, CheckpointManifest Manifest)
{
    public FsPath Path => CheckpointNames.Committed(Job, Step);

    public long TotalBytes => Manifest.Shards.Sum(s => (long)s.Size);
}
