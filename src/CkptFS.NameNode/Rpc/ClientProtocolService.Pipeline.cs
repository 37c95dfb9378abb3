using CkptFS.Common;
using CkptFS.Protocol.V1;
using Grpc.Core;

namespace CkptFS.NameNode.Rpc;

public sealed partial class ClientProtocolService
{
    public override Task<UpdateBlockForPipelineResponse> UpdateBlockForPipeline(UpdateBlockForPipelineRequest request, ServerCallContext context)
    {
        var path = FsPath.Parse(request.Path);
        var block = RequireBlock(request.Block, $"update the pipeline of {path}");
        return retryCache.RunOnceAsync(request.RequestId, async () =>
        {
            var updated = await fs.UpdateBlockForPipelineAsync(path, request.Holder, block, context.CancellationToken);
            var token = tokens.Issue(request.Holder, updated.Id, AccessMode.Write, AccessMode.Copy);
            return new UpdateBlockForPipelineResponse { Block = ToLocatedBlock(updated, offset: 0, [], token, corrupt: false) };
        });
    }

    public override Task<UpdatePipelineResponse> UpdatePipeline(UpdatePipelineRequest request, ServerCallContext context)
    {
        var path = FsPath.Parse(request.Path);
        var oldBlock = RequireBlock(request.OldBlock, $"update the pipeline of {path}");
        var newBlock = RequireBlock(request.NewBlock, $"update the pipeline of {path}");
        var nodes = request.NewNodes.ToList();
        return retryCache.RunOnceAsync(request.RequestId, async () =>
        {
            await fs.UpdatePipelineAsync(path, request.Holder, oldBlock, newBlock, nodes, context.CancellationToken);
            return new UpdatePipelineResponse();
        });
    }

    public override Task<GetAdditionalDatanodeResponse> GetAdditionalDatanode(GetAdditionalDatanodeRequest request, ServerCallContext context)
    {
        var path = FsPath.Parse(request.Path);
        var block = RequireBlock(request.Block, $"add DataNodes to the pipeline of {path}");
        var added = fs.GetAdditionalDatanodes(path, request.Holder, block, request.ExistingNodes, request.ExcludedNodes,
            ToInt(request.Additional, "additional"), request.ClientHost);
        var existing = request.ExistingNodes.Select(datanodes.Find).ToList();
        if (existing.Any(n => n is null))
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot add DataNodes to the pipeline of {path}: an existing node is not registered.");
        }
        var token = tokens.Issue(request.Holder, block.Id, AccessMode.Write, AccessMode.Copy);
        return Task.FromResult(new GetAdditionalDatanodeResponse
        {
            Block = ToLocatedBlock(block, offset: 0, existing.OfType<CkptFS.NameNode.DataNodes.DatanodeSnapshot>().Concat(added), token, corrupt: false),
        });
    }
}
