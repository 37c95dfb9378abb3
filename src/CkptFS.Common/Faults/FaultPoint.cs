namespace CkptFS.Common.Faults;

/// <summary>
/// The risky moments of CkptFS where tests inject faults (<see cref="FaultPoints.Hit"/>). Each name says
/// what has happened and what has not yet: a crash there must lose nothing that was acknowledged.
/// </summary>
public enum FaultPoint
{
    /// <summary>The NameNode's batch is durable (synced) but not yet published nor answered.</summary>
    NameNodeAfterCommitBeforeReply,

    /// <summary>A DataNode stored a packet (written, not synced) but has not acknowledged it upstream.</summary>
    DataNodeAfterPacketStoredBeforeAck,

    /// <summary>A DataNode received a block's last packet and is about to fsync and finalize the replica.</summary>
    DataNodeBeforeFinalize,

    /// <summary>A checkpoint commit passed its checks; its transaction (one synced batch) is not yet written.</summary>
    NameNodeBeforeCheckpointCommit,

    /// <summary>A checkpoint commit's transaction is durable; the committer has not answered yet.</summary>
    NameNodeAfterCheckpointCommit,

    /// <summary>The SDK's shards are closed (durable); it has not yet asked the NameNode to commit the checkpoint.</summary>
    ClientBeforeCheckpointCommit,

    /// <summary>A writer's last block is durable on its pipeline; it has not yet asked the NameNode to complete the file (still open, leased).</summary>
    ClientBeforeFileComplete,

    /// <summary>`ckpt restore` wrote and verified a shard in its local NAME._COPYING_; it has not yet renamed it to NAME.</summary>
    ClientBeforeShardRestored,
}
