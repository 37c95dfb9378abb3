using CkptFS.Protocol.Grpc;
using CkptFS.Protocol.V1;

namespace CkptFS.Protocol;

/// <summary>The methods of ckptfs.v1.DatanodeProtocol, shared by the NameNode (server) and the DataNode (client).</summary>
public static class DatanodeProtocolMethods
{
    public const string Service = "ckptfs.v1.DatanodeProtocol";

    public static readonly Method<RegisterDatanodeRequest, RegisterDatanodeResponse> Register =
        Method.Unary<RegisterDatanodeRequest, RegisterDatanodeResponse>(Service, "Register");
    public static readonly Method<HeartbeatRequest, HeartbeatResponse> Heartbeat = Method.Unary<HeartbeatRequest, HeartbeatResponse>(Service, "Heartbeat");
    public static readonly Method<BlockReportRequest, BlockReportResponse> BlockReport = Method.Unary<BlockReportRequest, BlockReportResponse>(Service, "BlockReport");
    public static readonly Method<IncrementalBlockReportRequest, IncrementalBlockReportResponse> IncrementalBlockReport =
        Method.Unary<IncrementalBlockReportRequest, IncrementalBlockReportResponse>(Service, "IncrementalBlockReport");
    public static readonly Method<ReportBadBlocksRequest, ReportBadBlocksResponse> ReportBadBlocks =
        Method.Unary<ReportBadBlocksRequest, ReportBadBlocksResponse>(Service, "ReportBadBlocks");

    /// <summary>Server streaming: held open by the DataNode so that the NameNode sees its connection break.</summary>
    public static readonly Method<ConnectRequest, ConnectEvent> Connect = Method.ServerStreaming<ConnectRequest, ConnectEvent>(Service, "Connect");

    public static readonly Method<CommitBlockSynchronizationRequest, CommitBlockSynchronizationResponse> CommitBlockSynchronization =
        Method.Unary<CommitBlockSynchronizationRequest, CommitBlockSynchronizationResponse>(Service, "CommitBlockSynchronization");
}
