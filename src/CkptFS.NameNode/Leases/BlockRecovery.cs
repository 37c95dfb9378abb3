using CkptFS.Common;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Leases;

/// <summary>
/// One recovery of a file's last block: <see cref="Primary"/> is told (on its next heartbeat) to
/// bring <see cref="Replicas"/> to one length with genstamp <see cref="RecoveryId"/>, then to call
/// CommitBlockSynchronization with that id. A later recovery of the same file gets a larger id.
/// </summary>
public sealed record BlockRecovery(
    InodeId File,
    FsPath Path,
    FileBlock Block,
    GenerationStamp RecoveryId,
    string Primary,
    IReadOnlyList<DatanodeAddress> Replicas,
    DateTimeOffset StartedAt);
