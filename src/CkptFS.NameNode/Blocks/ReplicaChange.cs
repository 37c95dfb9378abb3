namespace CkptFS.NameNode.Blocks;

/// <summary>The kinds of change an incremental block report carries.</summary>
public enum ReplicaChange
{
    /// <summary>The replica is finalized (complete on disk).</summary>
    Received,

    /// <summary>A replica is being written (rbw created).</summary>
    Receiving,

    Deleted,
}
