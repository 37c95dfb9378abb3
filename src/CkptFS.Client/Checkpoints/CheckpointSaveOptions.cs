namespace CkptFS.Client.Checkpoints;

/// <summary>How <see cref="CheckpointSaver"/> and <see cref="AsyncCheckpointSaver"/> write shards; 0 means the NameNode's default.</summary>
public sealed record CheckpointSaveOptions
{
    /// <summary>Shards written at once (each streams through its own DataNode pipeline): 4.</summary>
    public int ParallelShards { get; init; } = 4;

    public int Replication { get; init; }

    public long BlockSizeBytes { get; init; }
}
