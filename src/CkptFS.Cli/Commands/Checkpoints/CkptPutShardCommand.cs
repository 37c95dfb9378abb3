using System.CommandLine;
using CkptFS.Cli.Checkpoints;
using CkptFS.Client.Checkpoints;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>
/// `ckpt put-shard JOB STEP LOCAL...`: one rank's part of a checkpoint written by several processes.
/// The shards go to the pending step with their shard records (size, CRC32C, tensors); nothing is
/// committed: once every rank is done, one process runs `ckpt commit JOB STEP`.
/// </summary>
internal static class CkptPutShardCommand
{
    public static Command Create()
    {
        var job = CkptArguments.Job();
        var step = CkptArguments.Step();
        var local = new Argument<string[]>("local")
        {
            Description = "Local files (each a shard under its own name), folders (their files under their paths), or '-' for stdin with --name.",
            Arity = ArgumentArity.OneOrMore,
        };
        var name = new Option<string?>("--name") { Description = "The shard's path in the checkpoint, for one file or stdin, e.g. rank-3.safetensors." };
        var parallel = CkptArguments.Parallel();
        var quiet = CkptArguments.Quiet();
        var replication = CkptArguments.Replication();
        var blockSize = CkptArguments.BlockSize();
        var command = new Command("put-shard", "Write shards of step STEP of JOB from this process (one rank); commit later with 'ckpt commit'.")
        {
            job, step, local, name, parallel, quiet, replication, blockSize,
        };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var shards = LocalShard.FromArguments(result.GetRequiredValue(local), result.GetValue(name));
            var writer = await CheckpointWriter.BeginAsync(client, result.GetRequiredValue(job), result.GetValue(step), writeShardRecords: true, cancellationToken);
            var uploader = new ShardUploader(client, writer, CkptArguments.CreateOptions(result, replication, blockSize), result.GetValue(parallel));
            var entries = await uploader.UploadAsync("ckpt put-shard", shards, result.GetValue(quiet), cancellationToken);
            foreach (var entry in entries)
            {
                Console.WriteLine($"wrote shard {entry.Path} of step {writer.Step} ({entry.Size} bytes, crc32c {entry.Crc32C:x8}) in {writer.Pending}");
            }
            return 0;
        });
        return command;
    }
}
