namespace CkptFS.IntegrationTests.Checkpoints;

/// <summary>
/// The checkpoint tests that need an ordinary cluster share one (3 DataNodes) and run one at a
/// time: each works under its own job directory. They also arm the process-wide client fault point.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CheckpointClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "checkpoint-cluster";
}
