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
        CallAsync(CheckpointProtocolMethods.BeginCheckpoint, new BeginCheckpointRequest { RequestId = NextRequestId(), Job = job, Step = step }, cancellationToken);

    public Task<CommitCheckpointResponse> CommitCheckpointAsync(string job, CheckpointManifest manifest, CancellationToken cancellationToken = default) =>
        CallAsync(CheckpointProtocolMethods.CommitCheckpoint, new CommitCheckpointRequest { RequestId = NextRequestId(), Job = job, Manifest = manifest }, cancellationToken);

    public Task<ListCheckpointsResponse> ListCheckpointsAsync(string job, CancellationToken cancellationToken = default) =>
        CallAsync(CheckpointProtocolMethods.ListCheckpoints, new ListCheckpointsRequest { Job = job }, cancellationToken);

    /// <summary>Step <paramref name="step"/> of the job with its manifest; null for the latest (newest intact) one.</summary>
    public async Task<CheckpointInfo> GetCheckpointAsync(string job, ulong? step = null, CancellationToken cancellationToken = default) =>
        (await CallAsync(CheckpointProtocolMethods.GetCheckpoint, new GetCheckpointRequest { Job = job, Step = step ?? 0, Latest = step is null }, cancellationToken)).Checkpoint;

    public Task<DeleteCheckpointResponse> DeleteCheckpointAsync(string job, ulong step, bool allowLatest = false, CancellationToken cancellationToken = default) =>
        CallAsync(CheckpointProtocolMethods.DeleteCheckpoint,
            new DeleteCheckpointRequest { RequestId = NextRequestId(), Job = job, Step = step, AllowLatest = allowLatest }, cancellationToken);

    public async Task<RetentionPolicy> SetRetentionAsync(string job, RetentionPolicy retention, CancellationToken cancellationToken = default) =>
        (await CallAsync(CheckpointProtocolMethods.SetRetention, new SetRetentionRequest { RequestId = NextRequestId(), Job = job, Retention = retention }, cancellationToken)).Retention;

    public Task<CollectGarbageResponse> CollectCheckpointGarbageAsync(string job, CancellationToken cancellationToken = default) =>
        CallAsync(CheckpointProtocolMethods.CollectGarbage, new CollectGarbageRequest { RequestId = NextRequestId(), Job = job }, cancellationToken);
}
