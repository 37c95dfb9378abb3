namespace CkptFS.NameNode.DataNodes;

/// <summary>
/// One DataNode as the NameNode saw it at one moment: identity, state, storage and load;
/// <see cref="Connected"/> when at least one of its Connect streams is open.
/// </summary>
public sealed record DatanodeSnapshot(
    DatanodeAddress Address,
    DatanodeLiveness State,
    DatanodeLoad Load,
    DateTimeOffset LastHeartbeat,
    DateTimeOffset Registered,
    bool Connected)
{
    public string Uuid => Address.Uuid;
}
