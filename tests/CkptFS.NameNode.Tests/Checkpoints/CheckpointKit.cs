using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.Namespace;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Tests.Checkpoints;

/// <summary>Checkpoint scenarios on a <see cref="NamespaceHarness"/>: shards are files with one block, reported finalized by dn1.</summary>
internal static class CheckpointKit
{
    public static readonly FsPath Job = FsPath.Parse("/jobs/llama");

    public static FsPath Pending(ulong step, string shard) => CheckpointNames.ShardPath(CheckpointNames.Pending(Job, step), shard);

    /// <summary>Creates <paramref name="path"/> with <paramref name="bytes"/> bytes in one block, closed unless told; returns the block.</summary>
    public static async Task<FileBlock> WriteFileAsync(NamespaceHarness ns, FsPath path, long bytes, string holder = "client-a", bool close = true)
    {
        await ns.CreateAsync(path.Value, holder, parents: true);
        var block = (await ns.AddBlockAsync(path.Value, null, holder)).Block with { NumBytes = bytes };
        ns.Received("dn1", block);
        if (close)
        {
            Assert.True((await ns.Fs.CompleteAsync(path, holder, block)).Completed);
        }
        return block;
    }

    public static CheckpointManifest Manifest(ulong step, params (string Path, long Size)[] shards)
    {
        var manifest = new CheckpointManifest { Step = step, Epoch = 1, Seed = 42, Framework = "pytorch", WallTimeMs = 1_700_000_000_000 };
        manifest.Hyperparameters["lr"] = "3e-4";
        foreach (var (path, size) in shards)
        {
            manifest.Shards.Add(new ShardEntry { Path = path, Size = (ulong)size, Crc32C = 0x1234 });
        }
        return manifest;
    }

    /// <summary>Begins step <paramref name="step"/>, writes its shards closed, and commits them.</summary>
    public static async Task<CommitOutcome> SaveAsync(NamespaceHarness ns, ulong step, params (string Path, long Size)[] shards)
    {
        await ns.Checkpoints.BeginAsync(Job, step, owner: null);
        foreach (var (path, size) in shards)
        {
            await WriteFileAsync(ns, Pending(step, path), size);
        }
        return await ns.Checkpoints.CommitAsync(Job, Manifest(step, shards));
    }

    public static IReadOnlyList<ulong> CommittedSteps(NamespaceHarness ns) =>
        [.. ns.Checkpoints.List(Job).Checkpoints.Where(c => c.State != CheckpointState.Pending).Select(c => c.Step)];
}
