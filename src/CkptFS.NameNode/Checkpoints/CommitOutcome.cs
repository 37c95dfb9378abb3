namespace CkptFS.NameNode.Checkpoints;

/// <summary>What a commit did: the checkpoint, whether latest moved to it, what retention deleted after it.</summary>
public sealed record CommitOutcome(CheckpointView Checkpoint, bool LatestMoved, IReadOnlyList<ulong> RetentionDeleted);
