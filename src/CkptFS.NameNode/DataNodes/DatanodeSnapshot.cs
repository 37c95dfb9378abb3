namespace CkptFS.NameNode.DataNodes;

/// <summary>One DataNode as the NameNode saw it at one moment: identity, state, storage and load.</summary>
public sealed record DatanodeSnapshot(
    DatanodeAddress Address,
    DatanodeLiveness State,
    DatanodeLoad Load,
    DateTimeOffset LastHeartbeat,
    DateTimeOffset Registered)
{
    public string Uuid => Address.Uuid;
}
