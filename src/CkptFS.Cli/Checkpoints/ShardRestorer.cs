using CkptFS.Cli.Output;
using CkptFS.Cli.Transfers;
using CkptFS.Client;
using CkptFS.Client.Checkpoints;
using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.Common.Faults;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Checkpoints;

/// <summary>
/// `ckpt restore`: every shard of a committed checkpoint into a local folder, <c>parallel</c> at
/// once. Besides the per-chunk checks of every read, each shard's CRC-32C is computed while it is
/// written locally and compared with the manifest's; a shard is written as NAME._COPYING_ and
/// renamed only when it matches, so a failed restore never leaves a wrong file under a shard's name.
/// </summary>
internal sealed class ShardRestorer(CkptFsClient client, bool overwrite, int parallel)
{
    public async Task RestoreAsync(CheckpointInfo checkpoint, string folder, bool quiet, CancellationToken cancellationToken)
    {
        if (checkpoint.State == CheckpointState.Damaged)
        {
            throw new CkptFsException(ErrorCode.CheckpointIncomplete,
                $"Step {checkpoint.Step} of {checkpoint.Job} is damaged ({checkpoint.Problem}); restore another step (see 'ckptfs ckpt ls {checkpoint.Job}').");
        }
        var shards = checkpoint.Manifest.Shards;
        var targets = shards.ToDictionary(s => s.Path, s => LocalPath(folder, s.Path), StringComparer.Ordinal);
        if (!overwrite && targets.Values.FirstOrDefault(File.Exists) is { } existing)
        {
            throw new CkptFsException(ErrorCode.FileAlreadyExists, $"Cannot restore into {folder}: {existing} already exists (use -f to overwrite).");
        }
        var reader = new CheckpointReader(client);
        await TransferProgress.RunAsync("ckpt restore", shards.Sum(s => (long)s.Size), quiet, progress =>
            Parallel.ForEachAsync(shards, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallel), CancellationToken = cancellationToken },
                async (shard, token) =>
                {
                    await RestoreOneAsync(reader, checkpoint, shard, targets[shard.Path], progress.Advance, token);
                    progress.FileDone();
                }));
    }

    private async Task RestoreOneAsync(CheckpointReader reader, CheckpointInfo checkpoint, ShardEntry shard, string target, Action<long> progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = target + Uploader.CopyingSuffix;
        try
        {
            await using (var input = await reader.OpenShardAsync(checkpoint, shard.Path, cancellationToken))
            await using (var file = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, BufferSize = 0, Options = FileOptions.Asynchronous }))
            {
                var checksummed = new Crc32CStream(file);
                await StreamCopy.CopyAsync(input, checksummed, progress, cancellationToken);
                if (checksummed.Length != (long)shard.Size || checksummed.Crc32C != shard.Crc32C)
                {
                    throw new CkptFsException(ErrorCode.ChecksumMismatch,
                        $"Shard {shard.Path} of step {checkpoint.Step}: read {checksummed.Length} bytes with CRC32C {checksummed.Crc32C:x8}, the manifest says {shard.Size} bytes with {shard.Crc32C:x8}; nothing was kept (run 'ckptfs fsck {checkpoint.Path}').");
                }
            }
            FaultPoints.Hit(FaultPoint.ClientBeforeShardRestored);
            cancellationToken.ThrowIfCancellationRequested();   // interrupted: the shard is not kept
            File.Move(temporary, target, overwrite);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static string LocalPath(string folder, string shardPath) =>
        CheckpointNames.ShardPathProblem(shardPath) is null
            ? Path.Combine([folder, .. shardPath.Split('/')])
            : throw new CkptFsException(ErrorCode.InvalidArgument, $"The manifest names a shard path that is not safe to restore: '{shardPath}'.");
}
