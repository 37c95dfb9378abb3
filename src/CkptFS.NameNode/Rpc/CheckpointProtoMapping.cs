using CkptFS.NameNode.Checkpoints;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Rpc;

/// <summary>Checkpoint core results to wire messages.</summary>
internal static class CheckpointProtoMapping
{
    public static CheckpointInfo ToProto(this CheckpointView view) => new()
    {
        Job = view.Job.Value,
        Step = view.Step,
        Path = view.Path.Value,
        State = view.State,
        CommittedMs = view.CommittedMs,
        TotalBytes = (ulong)view.TotalBytes,
        ShardCount = (uint)view.ShardCount,
        Latest = view.Latest,
        Problem = view.Problem,
        Manifest = view.Manifest,
        BlockingSaveMs = view.BlockingSaveMs,
    };

    public static RetentionPolicy ToProto(this CheckpointRetention retention) =>
        new() { KeepLast = (uint)retention.KeepLast, KeepEvery = (uint)retention.KeepEvery };
}
