using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.Namespace;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Checkpoints;

/// <summary>
/// The checks of a commit, against the pending folder in the committing batch's tree: every shard
/// of the manifest exists, is closed, has the listed size and has its minimum finalized replicas;
/// no file is still open; no file is left out of the manifest. The error names every problem (up
/// to <see cref="MaxNamed"/>), so one failed commit says what to fix.
/// </summary>
internal static class ShardValidator
{
    public const int MaxNamed = 8;

    public static void Validate(FsPath job, FsPath pendingPath, DirectoryInode pending, CheckpointManifest manifest, BlockManager blocks)
    {
        var files = CheckpointInspector.Files(pending).ToDictionary(f => f.Relative, f => f.File, StringComparer.Ordinal);
        var problems = new List<string>();
        var replicaProblems = new List<string>();
        foreach (var (relative, file) in files.Where(f => f.Value.IsUnderConstruction))
        {
            problems.Add($"{relative} is still open for write by {file.LeaseHolder} (if that writer died, its lease must expire and be recovered first)");
        }
        foreach (var shard in manifest.Shards)
        {
            if (!files.TryGetValue(shard.Path, out var file))
            {
                problems.Add($"{shard.Path} is missing from {pendingPath}");
            }
            else if (!file.IsUnderConstruction && file.Length != (long)shard.Size)
            {
                problems.Add($"{shard.Path} is {file.Length} bytes, the manifest says {shard.Size}");
            }
            else if (!file.IsUnderConstruction && UnderReplicated(file, blocks) is { } block)
            {
                replicaProblems.Add($"{shard.Path}: {block}");
            }
        }
        var listed = manifest.Shards.Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var relative in files.Keys.Where(r => !listed.Contains(r)).Order(StringComparer.Ordinal))
        {
            problems.Add($"{relative} is in {pendingPath} but not in the manifest (list it or delete it)");
        }
        if (problems.Count > 0)
        {
            throw new CkptFsException(ErrorCode.CheckpointIncomplete, Describe(job, manifest.Step, problems.Concat(replicaProblems).ToList()));
        }
        if (replicaProblems.Count > 0)
        {
            // Transient: the DataNodes' reports are on their way, or re-replication will restore them; the SDK retries.
            throw new CkptFsException(ErrorCode.NotEnoughReplicas, Describe(job, manifest.Step, replicaProblems) + " Retry shortly.");
        }
    }

    private static string? UnderReplicated(FileInode file, BlockManager blocks)
    {
        var minimum = blocks.Options.MinReplication;
        foreach (var block in file.Blocks)
        {
            var finalized = blocks.CountFinalizedReplicas(block.Id);
            if (finalized < minimum)
            {
                return $"block {block.Id} has {finalized} of its minimum {minimum} finalized replicas";
            }
        }
        return null;
    }

    private static string Describe(FsPath job, ulong step, List<string> problems)
    {
        var named = string.Join("; ", problems.Take(MaxNamed));
        var more = problems.Count > MaxNamed ? $"; and {problems.Count - MaxNamed} more" : string.Empty;
        return $"Cannot commit step {step} of {job}: {named}{more}.";
    }
}
