using CkptFS.Client.Streams;
using CkptFS.Protocol;
using CkptFS.Protocol.V1;

namespace CkptFS.Client;

/// <summary>The NameNode calls of pipeline recovery (see Streams/PipelineRecovery.cs for their order).</summary>
public sealed partial class CkptFsClient : IPipelineCoordinator
{
    async Task<LocatedBlock> IPipelineCoordinator.UpdateBlockForPipelineAsync(string path, ExtendedBlock block, CancellationToken cancellationToken)
    {
        var request = new UpdateBlockForPipelineRequest { RequestId = NextRequestId(), Path = path, Holder = ClientName, Block = block };
        return (await CallAsync(options => _namenode.UpdateBlockForPipelineAsync(request, options), cancellationToken)).Block;
    }

    async Task<LocatedBlock> IPipelineCoordinator.GetAdditionalDatanodeAsync(string path, ExtendedBlock block, IReadOnlyList<DatanodeId> existing, IEnumerable<string> excluded,
        int additional, CancellationToken cancellationToken)
    {
        var request = new GetAdditionalDatanodeRequest { Path = path, Holder = ClientName, Block = block, Additional = (uint)additional, ClientHost = Options.ClientHost };
        request.ExistingNodes.AddRange(existing.Select(node => node.DatanodeUuid));
        request.ExcludedNodes.AddRange(excluded);
        return (await CallAsync(options => _namenode.GetAdditionalDatanodeAsync(request, options), cancellationToken)).Block;
    }

    Task IPipelineCoordinator.UpdatePipelineAsync(string path, ExtendedBlock oldBlock, ExtendedBlock newBlock, IReadOnlyList<DatanodeId> nodes, CancellationToken cancellationToken)
    {
        var request = new UpdatePipelineRequest { RequestId = NextRequestId(), Path = path, Holder = ClientName, OldBlock = oldBlock, NewBlock = newBlock };
        request.NewNodes.AddRange(nodes.Select(node => node.DatanodeUuid));
        return CallAsync(options => _namenode.UpdatePipelineAsync(request, options), cancellationToken);
    }
}
