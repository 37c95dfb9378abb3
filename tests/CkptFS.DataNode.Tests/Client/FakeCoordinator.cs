using CkptFS.Client.Streams;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Tests.Client;

/// <summary>
/// Stands in for the NameNode in pipeline recovery: hands out genstamps 2, 3... with a WRITE token of
/// the test cluster's key, offers the <paramref name="spares"/> (node indexes) as replacements, and
/// records the pipelines committed. It decides nothing.
/// </summary>
internal sealed class FakeCoordinator(TestCluster cluster, params int[] spares) : IPipelineCoordinator
{
    private ulong _nextGenerationStamp = 2;

    /// <summary>Each UpdatePipeline: the genstamps before and after, the bytes acknowledged, the nodes.</summary>
    public List<(ulong From, ulong To, ulong Bytes, string[] Nodes)> Commits { get; } = [];

    public int GenerationStampsHandedOut => (int)_nextGenerationStamp - 2;

    public Task<LocatedBlock> UpdateBlockForPipelineAsync(string path, ExtendedBlock block, CancellationToken cancellationToken)
    {
        var updated = new ExtendedBlock { BlockId = block.BlockId, GenerationStamp = _nextGenerationStamp++ };
        return Task.FromResult(new LocatedBlock { Block = updated, Token = cluster.Token(updated, AccessMode.Read, AccessMode.Write) });
    }

    public Task<LocatedBlock> GetAdditionalDatanodeAsync(string path, ExtendedBlock block, IReadOnlyList<DatanodeId> existing, IEnumerable<string> excluded, int additional,
        CancellationToken cancellationToken)
    {
        var avoid = existing.Select(n => n.DatanodeUuid).Concat(excluded).ToHashSet();
        var added = spares.Select(i => cluster.Nodes[i]).Where(n => !avoid.Contains(n.DatanodeUuid)).Take(additional).ToList();
        if (added.Count == 0)
        {
            throw new CkptFsException(ErrorCode.NotEnoughDataNodes, "no spare DataNode");
        }

        var located = new LocatedBlock { Block = block, Token = cluster.Token(block, AccessMode.Write, AccessMode.Copy) };
        located.Locations.Add(existing);
        located.Locations.Add(added);
        return Task.FromResult(located);
    }

    public Task UpdatePipelineAsync(string path, ExtendedBlock oldBlock, ExtendedBlock newBlock, IReadOnlyList<DatanodeId> nodes, CancellationToken cancellationToken)
    {
        Commits.Add((oldBlock.GenerationStamp, newBlock.GenerationStamp, newBlock.NumBytes, [.. nodes.Select(n => n.DatanodeUuid)]));
        return Task.CompletedTask;
    }
}
