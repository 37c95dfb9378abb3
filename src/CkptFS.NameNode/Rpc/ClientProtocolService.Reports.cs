using CkptFS.Common;
using CkptFS.Protocol.V1;
using Grpc.Core;

namespace CkptFS.NameNode.Rpc;

public sealed partial class ClientProtocolService
{
    public override Task<GetDatanodeReportResponse> GetDatanodeReport(GetDatanodeReportRequest request, ServerCallContext context)
    {
        var stats = blocks.GetStats();
        var response = new GetDatanodeReportResponse
        {
            SafeMode = blocks.InSafeMode,
            TotalBlocks = (ulong)stats.TotalBlocks,
            MissingBlocks = (ulong)stats.MissingBlocks,
            UnderReplicatedBlocks = (ulong)stats.UnderReplicatedBlocks,
            CorruptReplicas = (ulong)stats.CorruptReplicas,
        };
        foreach (var node in datanodes.GetAll())
        {
            response.Datanodes.Add(node.ToProto(blocks.CountReplicasOn(node.Uuid)));
        }
        return Task.FromResult(response);
    }

    public override Task<FsckResponse> Fsck(FsckRequest request, ServerCallContext context) =>
        Task.FromResult(fs.Fsck(FsPath.Parse(request.Path), request.ListAllBlocks).ToProto());
}
