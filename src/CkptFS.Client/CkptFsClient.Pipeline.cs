using CkptFS.Protocol;
using CkptFS.Protocol.V1;

namespace CkptFS.Client;

/// <summary>The NameNode calls of pipeline recovery (see Streams/PipelineRecovery.cs for their order).</summary>
public sealed partial class CkptFsClient
{
    /// <summary>A new generation stamp and WRITE token for <paramref name="block"/> (the file's last block, current genstamp); locations empty.</summary>
    internal async Task<LocatedBlock> UpdateBlockForPipelineAsync(string path, ExtendedBlock block, CancellationToken cancellationToken)
    {
        var request = new UpdateBlockForPipelineRequest { RequestId = NextRequestId(), Path = path, Holder = ClientName, Block = block };
        return (await CallAsync(ClientProtocolMethods.UpdateBlockForPipeline, request, cancellationToken)).Block;
    }

    /// <summary>Commits a rebuilt pipeline: <paramref name="newBlock"/> has the new genstamp and the bytes acknowledged; <paramref name="nodes"/> in pipeline order.</summary>
    internal Task UpdatePipelineAsync(string path, ExtendedBlock oldBlock, ExtendedBlock newBlock, IEnumerable<DatanodeId> nodes, CancellationToken cancellationToken)
    {
        var request = new UpdatePipelineRequest { RequestId = NextRequestId(), Path = path, Holder = ClientName, OldBlock = oldBlock, NewBlock = newBlock };
        request.NewNodes.AddRange(nodes.Select(node => node.DatanodeUuid));
        return CallAsync(ClientProtocolMethods.UpdatePipeline, request, cancellationToken);
    }
}
