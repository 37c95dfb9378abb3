using System.Collections.Immutable;
using CkptFS.Common;

namespace CkptFS.NameNode.Checkpoints;

/// <summary>
/// Every checkpoint job the NameNode knows, by job path. Published together with the namespace
/// tree by the group committer (one volatile read gives a reader both, from the same durable
/// batch), persisted as "cj"/"cc" records (<see cref="CheckpointRecords"/>) in the same batches.
/// </summary>
public sealed class CheckpointCatalog
{
    public static readonly CheckpointCatalog Empty = new(ImmutableSortedDictionary.Create<string, CheckpointJob>(StringComparer.Ordinal));

    private CheckpointCatalog(ImmutableSortedDictionary<string, CheckpointJob> jobs)
    {
        Jobs = jobs;
    }

    public ImmutableSortedDictionary<string, CheckpointJob> Jobs { get; }

    public CheckpointJob? Find(FsPath job) => Jobs.GetValueOrDefault(job.Value);

    public CheckpointCatalog With(CheckpointJob job) => new(Jobs.SetItem(job.Path.Value, job));

    public CheckpointCatalog Without(FsPath job) => new(Jobs.Remove(job.Value));
}
