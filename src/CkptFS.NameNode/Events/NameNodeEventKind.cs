namespace CkptFS.NameNode.Events;

/// <summary>What an operator wants to see happened recently (the web UI's Events page).</summary>
public enum NameNodeEventKind
{
    /// <summary>A DataNode was declared dead: its replicas no longer count and are re-replicated.</summary>
    DataNodeLost,

    /// <summary>A scheduled copy of a block reached its targets: the block is back at its replication.</summary>
    ReReplicationDone,

    /// <summary>A file whose writer's lease ran out (or was taken over) was closed by lease recovery.</summary>
    LeaseRecovered,
}
