namespace CkptFS.NameNode.Checkpoints;

/// <summary>What one collection pass did to a job.</summary>
public sealed record CollectOutcome(IReadOnlyList<ulong> RetentionDeleted, IReadOnlyList<ulong> PendingCollected, IReadOnlyList<ulong> RecordsDropped)
{
    public static readonly CollectOutcome Nothing = new([], [], []);

    public bool IsEmpty => RetentionDeleted.Count == 0 && PendingCollected.Count == 0 && RecordsDropped.Count == 0;
}
