using System.Globalization;
using CkptFS.Cli.Output;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>The one line `ckpt save` and `ckpt commit` print on stdout once a step is committed.</summary>
internal static class CommitSummary
{
    public static string Describe(CommitCheckpointResponse response)
    {
        var checkpoint = response.Checkpoint;
        var latest = response.LatestMoved ? "now the latest" : checkpoint.Latest ? "the latest" : "not the latest (a newer step is committed)";
        var retention = response.RetentionDeleted.Count > 0 ? $"; retention deleted step {string.Join(", ", response.RetentionDeleted)}" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"committed step {checkpoint.Step} of {checkpoint.Job} at {checkpoint.Path}: {checkpoint.ShardCount} shards, {ByteSize.Format(checkpoint.TotalBytes)}; {latest}{retention}");
    }
}
