using System.Collections.Immutable;
using CkptFS.Common;

namespace CkptFS.NameNode.Checkpoints;

/// <summary>
/// One job's checkpoint state: its committed checkpoints by step, its latest pointer and its
/// retention policy. Immutable, like the namespace tree: a mutation builds the next version.
/// The latest pointer only moves forward on commit; it moves back only when the checkpoint it
/// names is deleted (then to the newest one left).
/// </summary>
public sealed record CheckpointJob(FsPath Path, ulong? LatestStep, CheckpointRetention Retention, ImmutableSortedDictionary<ulong, CommittedCheckpoint> Checkpoints)
{
    public static CheckpointJob New(FsPath path) => new(path, null, CheckpointRetention.KeepAll, ImmutableSortedDictionary<ulong, CommittedCheckpoint>.Empty);

    public CheckpointJob With(CommittedCheckpoint checkpoint) => this with { Checkpoints = Checkpoints.SetItem(checkpoint.Step, checkpoint) };

    public CheckpointJob Without(ulong step) => this with { Checkpoints = Checkpoints.Remove(step) };
}
