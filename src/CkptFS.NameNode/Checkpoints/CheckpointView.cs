using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Checkpoints;

/// <summary>A checkpoint as readers see it: committed (or damaged) from the catalog, or pending from the namespace.</summary>
public sealed record CheckpointView(
    FsPath Job,
    ulong Step,
    FsPath Path,
    CheckpointState State,
    long CommittedMs,
    long TotalBytes,
    int ShardCount,
    bool Latest,
    string Problem,
    CheckpointManifest? Manifest)
{
    public static CheckpointView Of(CommittedCheckpoint checkpoint, CheckpointCondition condition, string problem, bool latest, bool withManifest) => new(
        checkpoint.Job, checkpoint.Step, checkpoint.Path,
        condition == CheckpointCondition.Intact ? CheckpointState.Committed : CheckpointState.Damaged,
        checkpoint.CommittedMs, checkpoint.TotalBytes, checkpoint.Manifest.Shards.Count, latest, problem,
        withManifest ? checkpoint.Manifest : null)
    {
        BlockingSaveMs = checkpoint.Manifest.BlockingSaveMs,
        TotalSaveMs = checkpoint.Manifest.TotalSaveMs,
    };

    public long BlockingSaveMs { get; init; }

    /// <summary>The whole save as the writer measured it (blocking part and background upload), ms; 0 when not recorded.</summary>
    public long TotalSaveMs { get; init; }
}
