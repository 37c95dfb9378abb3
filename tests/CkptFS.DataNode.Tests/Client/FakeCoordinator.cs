using CkptFS.Client.Streams;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Tests.Client;

/// <summary>
/// Stands in for the NameNode in pipeline recovery: hands out genstamps 2, 3... with a WRITE token of
/// the test cluster's key, and records the pipelines committed. It decides nothing.
/// </summary>
internal sealed class FakeCoordinator(TestCluster cluster) : IPipelineCoordinator
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

    public Task UpdatePipelineAsync(string path, ExtendedBlock oldBlock, ExtendedBlock newBlock, IReadOnlyList<DatanodeId> nodes, CancellationToken cancellationToken)
    {
        Commits.Add((oldBlock.GenerationStamp, newBlock.GenerationStamp, newBlock.NumBytes, [.. nodes.Select(n => n.DatanodeUuid)]));
        return Task.CompletedTask;
    }
}
