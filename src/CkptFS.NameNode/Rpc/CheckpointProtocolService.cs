using CkptFS.Common;
using CkptFS.NameNode.Checkpoints;
using CkptFS.Protocol;
using CkptFS.Protocol.V1;
using Grpc.Core;

namespace CkptFS.NameNode.Rpc;

/// <summary>
/// ckptfs.v1.CheckpointProtocol handlers (checkpoint.proto): parse, call <see cref="CheckpointManager"/>,
/// map. Mutations go through the retry cache, so a client's retry of a commit is answered, not
/// applied twice (and a retry after a NameNode restart is answered by the manager itself).
/// </summary>
public sealed class CheckpointProtocolService(CheckpointManager checkpoints, RetryCache retryCache)
    : CheckpointProtocol.CheckpointProtocolBase
{

    public override Task<BeginCheckpointResponse> BeginCheckpoint(BeginCheckpointRequest request, ServerCallContext context)
    {
        var job = FsPath.Parse(request.Job);
        var owner = Security.CallerIdentity.UserOf(context);
        return retryCache.RunOnceAsync(request.RequestId, async () => new BeginCheckpointResponse
        {
            PendingPath = (await checkpoints.BeginAsync(job, request.Step, owner, context.CancellationToken)).Value,
            FinalPath = Common.Checkpoints.CheckpointNames.Committed(job, request.Step).Value,
        });
    }

    public override Task<CommitCheckpointResponse> CommitCheckpoint(CommitCheckpointRequest request, ServerCallContext context)
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

    public override Task<ListCheckpointsResponse> ListCheckpoints(ListCheckpointsRequest request, ServerCallContext context)
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

    public override Task<GetCheckpointResponse> GetCheckpoint(GetCheckpointRequest request, ServerCallContext context) =>
        Task.FromResult(new GetCheckpointResponse
        {
            Checkpoint = checkpoints.Get(FsPath.Parse(request.Job), request.Latest ? null : request.Step).ToProto(),
        });

    public override Task<DeleteCheckpointResponse> DeleteCheckpoint(DeleteCheckpointRequest request, ServerCallContext context)
    {
        var job = FsPath.Parse(request.Job);
        return retryCache.RunOnceAsync(request.RequestId, async () =>
        {
            var latest = await checkpoints.DeleteAsync(job, request.Step, request.AllowLatest, context.CancellationToken);
            return new DeleteCheckpointResponse { HasLatest = latest.HasValue, LatestStep = latest ?? 0 };
        });
    }

    public override Task<SetRetentionResponse> SetRetention(SetRetentionRequest request, ServerCallContext context)
    {
        var job = FsPath.Parse(request.Job);
        var policy = request.Retention ?? new RetentionPolicy();
        var retention = new CheckpointRetention(ToInt(policy.KeepLast, "keep_last"), ToInt(policy.KeepEvery, "keep_every"));
        return retryCache.RunOnceAsync(request.RequestId, async () =>
            new SetRetentionResponse { Retention = (await checkpoints.SetRetentionAsync(job, retention, context.CancellationToken)).ToProto() });
    }

    public override Task<CollectGarbageResponse> CollectGarbage(CollectGarbageRequest request, ServerCallContext context)
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
