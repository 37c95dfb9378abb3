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

    /// <summary>Blocks chosen for it and not yet reported received: their space is not in <see cref="DatanodeLoad.RemainingBytes"/> yet.</summary>
    public int BlocksScheduled { get; init; }

    /// <summary>
    /// Whether it has room for one more block of <paramref name="blockSizeBytes"/> after the blocks already
    /// scheduled on it (HDFS isGoodTarget: remaining - blockSize x scheduled &gt;= blockSize).
    /// </summary>
    public bool HasRoomFor(long blockSizeBytes) => RemainingAfterScheduled(blockSizeBytes) >= blockSizeBytes;

    /// <summary>The last heartbeat's remaining bytes less the blocks of <paramref name="blockSizeBytes"/> scheduled on it since.</summary>
    public long RemainingAfterScheduled(long blockSizeBytes) => Load.RemainingBytes - (BlocksScheduled * blockSizeBytes);

    /// <summary>"dn1 (1048576 bytes free, 2 blocks being written)": how full it looks to placement.</summary>
    public string DescribeSpace() => $"{Uuid} ({Load.RemainingBytes} bytes free, {BlocksScheduled} blocks being written)";
}
