using CkptFS.Common;
using CkptFS.NameNode.Checkpoints;
using CkptFS.Protocol;
using CkptFS.Protocol.Grpc;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Rpc;

/// <summary>
/// ckptfs.v1.CheckpointProtocol handlers (checkpoint.proto): parse, call <see cref="CheckpointManager"/>,
/// map. Mutations go through the retry cache, so a client's retry of a commit is answered, not
/// applied twice (and a retry after a NameNode restart is answered by the manager itself).
/// </summary>
public sealed class CheckpointProtocolService(CheckpointManager checkpoints, RetryCache retryCache)
{
    public void Register(GrpcServiceRegistry registry)
    {
        registry.AddUnary(CheckpointProtocolMethods.BeginCheckpoint, BeginCheckpointAsync);
        registry.AddUnary(CheckpointProtocolMethods.CommitCheckpoint, CommitCheckpointAsync);
        registry.AddUnary(CheckpointProtocolMethods.ListCheckpoints, ListCheckpointsAsync);
        registry.AddUnary(CheckpointProtocolMethods.GetCheckpoint, GetCheckpointAsync);
        registry.AddUnary(CheckpointProtocolMethods.DeleteCheckpoint, DeleteCheckpointAsync);
        registry.AddUnary(CheckpointProtocolMethods.SetRetention, SetRetentionAsync);
        registry.AddUnary(CheckpointProtocolMethods.CollectGarbage, CollectGarbageAsync);
    }

    public Task<BeginCheckpointResponse> BeginCheckpointAsync(BeginCheckpointRequest request, ServerCallContext context)
    {
        var job = FsPath.Parse(request.Job);
        var owner = context.RequestHeaders.GetValue(ClientProtocolService.UserHeader);
        return retryCache.RunOnceAsync(request.RequestId, async () => new BeginCheckpointResponse
        {
            PendingPath = (await checkpoints.BeginAsync(job, request.Step, owner, context.CancellationToken)).Value,
            FinalPath = Common.Checkpoints.CheckpointNames.Committed(job, request.Step).Value,
        });
    }

    public Task<CommitCheckpointResponse> CommitCheckpointAsync(CommitCheckpointRequest request, ServerCallContext context)
    {
        var job = FsPath.Parse(request.Job);
        var manifest = request.Manifest ?? throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot commit a checkpoint of {job}: the request has no manifest.");
        return retryCache.RunOnceAsync(request.RequestId, async () =>
        {
            var outcome = await checkpoints.CommitAsync(job, manifest, context.CancellationToken);
            var response = new CommitCheckpointResponse { Checkpoint = outcome.Checkpoint.ToProto(), LatestMoved = outcome.LatestMoved };
            response.RetentionDeleted.AddRange(outcome.RetentionDeleted);
            return response;
        });
    }

    public Task<ListCheckpointsResponse> ListCheckpointsAsync(ListCheckpointsRequest request, ServerCallContext context)
    {
        var listing = checkpoints.List(FsPath.Parse(request.Job));
        var response = new ListCheckpointsResponse
        {
            Retention = listing.Retention.ToProto(),
            HasLatest = listing.LatestStep.HasValue,
            LatestStep = listing.LatestStep ?? 0,
        };
        response.Checkpoints.AddRange(listing.Checkpoints.Select(c => c.ToProto()));
        return Task.FromResult(response);
    }

    public Task<GetCheckpointResponse> GetCheckpointAsync(GetCheckpointRequest request, ServerCallContext context) =>
        Task.FromResult(new GetCheckpointResponse
        {
            Checkpoint = checkpoints.Get(FsPath.Parse(request.Job), request.Latest ? null : request.Step).ToProto(),
        });

    public Task<DeleteCheckpointResponse> DeleteCheckpointAsync(DeleteCheckpointRequest request, ServerCallContext context)
    {
        var job = FsPath.Parse(request.Job);
        return retryCache.RunOnceAsync(request.RequestId, async () =>
        {
            var latest = await checkpoints.DeleteAsync(job, request.Step, request.AllowLatest, context.CancellationToken);
            return new DeleteCheckpointResponse { HasLatest = latest.HasValue, LatestStep = latest ?? 0 };
        });
    }

    public Task<SetRetentionResponse> SetRetentionAsync(SetRetentionRequest request, ServerCallContext context)
    {
        var job = FsPath.Parse(request.Job);
        var policy = request.Retention ?? new RetentionPolicy();
        var retention = new CheckpointRetention(ToInt(policy.KeepLast, "keep_last"), ToInt(policy.KeepEvery, "keep_every"));
        return retryCache.RunOnceAsync(request.RequestId, async () =>
            new SetRetentionResponse { Retention = (await checkpoints.SetRetentionAsync(job, retention, context.CancellationToken)).ToProto() });
    }

    public Task<CollectGarbageResponse> CollectGarbageAsync(CollectGarbageRequest request, ServerCallContext context)
    {
        var job = FsPath.Parse(request.Job);
        return retryCache.RunOnceAsync(request.RequestId, async () =>
        {
            var outcome = await checkpoints.CollectAsync(job, context.CancellationToken);
            var response = new CollectGarbageResponse();
            response.RetentionDeleted.AddRange(outcome.RetentionDeleted);
            response.PendingCollected.AddRange(outcome.PendingCollected);
            response.RecordsDropped.AddRange(outcome.RecordsDropped);
            return response;
        });
    }

    private static int ToInt(uint value, string field) =>
        value <= int.MaxValue ? (int)value : throw new CkptFsException(ErrorCode.InvalidArgument, $"{field} {value} is out of range.");
}
