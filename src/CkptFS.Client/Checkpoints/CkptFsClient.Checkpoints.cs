using CkptFS.Protocol;
using CkptFS.Protocol.V1;

namespace CkptFS.Client;

/// <summary>
/// ckptfs.v1.CheckpointProtocol calls (checkpoint.proto), with the same deadlines, retries and request
/// ids as every other call. The checkpoint classes (CheckpointWriter, CheckpointCommitter,
/// AsyncCheckpointSaver, CheckpointReader) build on these.
/// </summary>
public sealed partial class CkptFsClient
{
    public Task<BeginCheckpointResponse> BeginCheckpointAsync(string job, ulong step, CancellationToken cancellationToken = default) =>
        CallAsync(options => _checkpoints.BeginCheckpointAsync(new BeginCheckpointRequest { RequestId = NextRequestId(), Job = job, Step = step }, options), cancellationToken);

    public Task<CommitCheckpointResponse> CommitCheckpointAsync(string job, CheckpointManifest manifest, CancellationToken cancellationToken = default) =>
        CallAsync(options => _checkpoints.CommitCheckpointAsync(new CommitCheckpointRequest { RequestId = NextRequestId(), Job = job, Manifest = manifest }, options), cancellationToken);

    public Task<ListCheckpointsResponse> ListCheckpointsAsync(string job, CancellationToken cancellationToken = default) =>
        CallAsync(options => _checkpoints.ListCheckpointsAsync(new ListCheckpointsRequest { Job = job }, options), cancellationToken);

    /// <summary>Step <paramref name="step"/> of the job with its manifest; null for the latest (newest intact) one.</summary>
    public async Task<CheckpointInfo> GetCheckpointAsync(string job, ulong? step = null, CancellationToken cancellationToken = default) =>
        (await CallAsync(options => _checkpoints.GetCheckpointAsync(new GetCheckpointRequest { Job = job, Step = step ?? 0, Latest = step is null }, options), cancellationToken)).Checkpoint;

    public Task<DeleteCheckpointResponse> DeleteCheckpointAsync(string job, ulong step, bool allowLatest = false, CancellationToken cancellationToken = default) =>
        CallAsync(options => _checkpoints.DeleteCheckpointAsync(new DeleteCheckpointRequest { RequestId = NextRequestId(), Job = job, Step = step, AllowLatest = allowLatest }, options), cancellationToken);

    public async Task<RetentionPolicy> SetRetentionAsync(string job, RetentionPolicy retention, CancellationToken cancellationToken = default) =>
        (await CallAsync(options => _checkpoints.SetRetentionAsync(new SetRetentionRequest { RequestId = NextRequestId(), Job = job, Retention = retention }, options), cancellationToken)).Retention;

    public Task<CollectGarbageResponse> CollectCheckpointGarbageAsync(string job, CancellationToken cancellationToken = default) =>
        CallAsync(options => _checkpoints.CollectGarbageAsync(new CollectGarbageRequest { RequestId = NextRequestId(), Job = job }, options), cancellationToken);
}
