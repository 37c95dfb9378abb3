using CkptFS.Protocol.Grpc;
using CkptFS.Protocol.V1;

namespace CkptFS.Protocol;

/// <summary>The methods of ckptfs.v1.CheckpointProtocol (checkpoint.proto), shared by the NameNode and the SDK.</summary>
public static class CheckpointProtocolMethods
{
    public const string Service = "ckptfs.v1.CheckpointProtocol";

    public static readonly Method<BeginCheckpointRequest, BeginCheckpointResponse> BeginCheckpoint =
        Method.Unary<BeginCheckpointRequest, BeginCheckpointResponse>(Service, "BeginCheckpoint");
    public static readonly Method<CommitCheckpointRequest, CommitCheckpointResponse> CommitCheckpoint =
        Method.Unary<CommitCheckpointRequest, CommitCheckpointResponse>(Service, "CommitCheckpoint");
    public static readonly Method<ListCheckpointsRequest, ListCheckpointsResponse> ListCheckpoints =
        Method.Unary<ListCheckpointsRequest, ListCheckpointsResponse>(Service, "ListCheckpoints");
    public static readonly Method<GetCheckpointRequest, GetCheckpointResponse> GetCheckpoint =
        Method.Unary<GetCheckpointRequest, GetCheckpointResponse>(Service, "GetCheckpoint");
    public static readonly Method<DeleteCheckpointRequest, DeleteCheckpointResponse> DeleteCheckpoint =
        Method.Unary<DeleteCheckpointRequest, DeleteCheckpointResponse>(Service, "DeleteCheckpoint");
    public static readonly Method<SetRetentionRequest, SetRetentionResponse> SetRetention =
        Method.Unary<SetRetentionRequest, SetRetentionResponse>(Service, "SetRetention");
    public static readonly Method<CollectGarbageRequest, CollectGarbageResponse> CollectGarbage =
        Method.Unary<CollectGarbageRequest, CollectGarbageResponse>(Service, "CollectGarbage");
}
