using CkptFS.Protocol.Grpc;
using CkptFS.Protocol.V1;

namespace CkptFS.Protocol;

/// <summary>The methods of ckptfs.v1.ClientProtocol, shared by the NameNode (server) and the SDK (client).</summary>
public static class ClientProtocolMethods
{
    public const string Service = "ckptfs.v1.ClientProtocol";

    public static readonly Method<MkdirsRequest, MkdirsResponse> Mkdirs = Method.Unary<MkdirsRequest, MkdirsResponse>(Service, "Mkdirs");
    public static readonly Method<CreateRequest, CreateResponse> Create = Method.Unary<CreateRequest, CreateResponse>(Service, "Create");
    public static readonly Method<CompleteRequest, CompleteResponse> Complete = Method.Unary<CompleteRequest, CompleteResponse>(Service, "Complete");
    public static readonly Method<GetFileInfoRequest, GetFileInfoResponse> GetFileInfo = Method.Unary<GetFileInfoRequest, GetFileInfoResponse>(Service, "GetFileInfo");
    public static readonly Method<GetListingRequest, GetListingResponse> GetListing = Method.Unary<GetListingRequest, GetListingResponse>(Service, "GetListing");
    public static readonly Method<RenameRequest, RenameResponse> Rename = Method.Unary<RenameRequest, RenameResponse>(Service, "Rename");
    public static readonly Method<DeleteRequest, DeleteResponse> Delete = Method.Unary<DeleteRequest, DeleteResponse>(Service, "Delete");
    public static readonly Method<GetContentSummaryRequest, GetContentSummaryResponse> GetContentSummary =
        Method.Unary<GetContentSummaryRequest, GetContentSummaryResponse>(Service, "GetContentSummary");
    public static readonly Method<AddBlockRequest, AddBlockResponse> AddBlock = Method.Unary<AddBlockRequest, AddBlockResponse>(Service, "AddBlock");
    public static readonly Method<AbandonBlockRequest, AbandonBlockResponse> AbandonBlock = Method.Unary<AbandonBlockRequest, AbandonBlockResponse>(Service, "AbandonBlock");
    public static readonly Method<GetBlockLocationsRequest, GetBlockLocationsResponse> GetBlockLocations =
        Method.Unary<GetBlockLocationsRequest, GetBlockLocationsResponse>(Service, "GetBlockLocations");
    public static readonly Method<UpdateLengthRequest, UpdateLengthResponse> UpdateLength = Method.Unary<UpdateLengthRequest, UpdateLengthResponse>(Service, "UpdateLength");
    public static readonly Method<RenewLeaseRequest, RenewLeaseResponse> RenewLease = Method.Unary<RenewLeaseRequest, RenewLeaseResponse>(Service, "RenewLease");
    public static readonly Method<RecoverLeaseRequest, RecoverLeaseResponse> RecoverLease = Method.Unary<RecoverLeaseRequest, RecoverLeaseResponse>(Service, "RecoverLease");
    public static readonly Method<UpdateBlockForPipelineRequest, UpdateBlockForPipelineResponse> UpdateBlockForPipeline =
        Method.Unary<UpdateBlockForPipelineRequest, UpdateBlockForPipelineResponse>(Service, "UpdateBlockForPipeline");
    public static readonly Method<UpdatePipelineRequest, UpdatePipelineResponse> UpdatePipeline =
        Method.Unary<UpdatePipelineRequest, UpdatePipelineResponse>(Service, "UpdatePipeline");
    public static readonly Method<GetAdditionalDatanodeRequest, GetAdditionalDatanodeResponse> GetAdditionalDatanode =
        Method.Unary<GetAdditionalDatanodeRequest, GetAdditionalDatanodeResponse>(Service, "GetAdditionalDatanode");
    public static readonly Method<ClientReportBadBlocksRequest, ClientReportBadBlocksResponse> ReportBadBlocks =
        Method.Unary<ClientReportBadBlocksRequest, ClientReportBadBlocksResponse>(Service, "ReportBadBlocks");
    public static readonly Method<GetDatanodeReportRequest, GetDatanodeReportResponse> GetDatanodeReport =
        Method.Unary<GetDatanodeReportRequest, GetDatanodeReportResponse>(Service, "GetDatanodeReport");
    public static readonly Method<FsckRequest, FsckResponse> Fsck = Method.Unary<FsckRequest, FsckResponse>(Service, "Fsck");
}
