using CkptFS.Protocol.V1;

namespace CkptFS.Client.Checkpoints;

/// <summary>What a manifest says about the training run beside its shards; every field is optional.</summary>
public sealed record CheckpointMetadata
{
    public ulong Epoch { get; init; }

    public ulong Seed { get; init; }

    /// <summary>e.g. "pytorch".</summary>
    public string Framework { get; init; } = string.Empty;

    public string FrameworkVersion { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, string> Hyperparameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Free-form user metadata (`--meta k=v`).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The manifest of step <paramref name="step"/> with these fields, the shards and the save's timings.</summary>
    public CheckpointManifest ToManifest(ulong step, IEnumerable<ShardEntry> shards, TimeSpan blocking, TimeSpan total)
    {
        var manifest = new CheckpointManifest
        {
            Step = step,
            Epoch = Epoch,
            Seed = Seed,
            Framework = Framework,
            FrameworkVersion = FrameworkVersion,
            WallTimeMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            BlockingSaveMs = (long)blocking.TotalMilliseconds,
            TotalSaveMs = (long)total.TotalMilliseconds,
        };
        manifest.Hyperparameters.Add(new Dictionary<string, string>(Hyperparameters));
        manifest.Metadata.Add(new Dictionary<string, string>(Metadata));
        manifest.Shards.AddRange(shards.OrderBy(s => s.Path, StringComparer.Ordinal));
        return manifest;
    }
}
