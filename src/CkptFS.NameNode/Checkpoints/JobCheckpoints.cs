using CkptFS.Common;

namespace CkptFS.NameNode.Checkpoints;

/// <summary>A job's checkpoints (committed in step order, then pending), its policy and latest step.</summary>
public sealed record JobCheckpoints(FsPath Job, IReadOnlyList<CheckpointView> Checkpoints, CheckpointRetention Retention, ulong? LatestStep);
