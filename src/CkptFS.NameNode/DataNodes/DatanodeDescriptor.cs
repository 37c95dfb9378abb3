namespace CkptFS.NameNode.DataNodes;

/// <summary>The DatanodeManager's mutable record of one DataNode, guarded by its lock.</summary>
internal sealed class DatanodeDescriptor(DatanodeAddress address, DateTimeOffset registered)
{
    public DatanodeAddress Address { get; set; } = address;

    public DateTimeOffset Registered { get; set; } = registered;

    public DateTimeOffset LastHeartbeat { get; set; } = registered;

    public DatanodeLoad Load { get; set; }

    /// <summary>Connect streams open now: more than one while a broken one is not yet noticed, or after a restart.</summary>
    public int OpenStreams { get; set; }

    /// <summary>When the last open stream closed; cleared by a new stream, a heartbeat or a registration.</summary>
    public DateTimeOffset? DisconnectedAt { get; set; }

    /// <summary>Set once the node was declared dead and its replicas removed; cleared by a new registration.</summary>
    public bool DeclaredDead { get; set; }
}
