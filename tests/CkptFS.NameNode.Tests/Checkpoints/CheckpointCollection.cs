namespace CkptFS.NameNode.Tests.Checkpoints;

/// <summary>Checkpoint tests arm process-wide fault points: their classes run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CheckpointCollection
{
    public const string Name = "checkpoints";
}
