using CkptFS.Common;

namespace CkptFS.NameNode.Blocks;

/// <summary>Where one block's replicas are, for readers and fsck: DataNode uuids, good ones and corrupt ones.</summary>
public sealed record BlockReplicas(
    BlockId Id,
    int ExpectedReplicas,
    bool UnderConstruction,
    IReadOnlyList<string> Live,
    IReadOnlyList<string> Corrupt,
    IReadOnlyList<string> ExpectedTargets)
{
    public static BlockReplicas Unknown(BlockId id) => new(id, 0, false, [], [], []);
}
