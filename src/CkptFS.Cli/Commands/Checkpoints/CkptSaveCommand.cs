using System.CommandLine;
using System.Diagnostics;
using CkptFS.Cli.Checkpoints;
using CkptFS.Cli.Transfers;
using CkptFS.Client.Checkpoints;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>`ckpt save JOB STEP LOCALDIR`: every file of a local folder as the shards of one step, committed atomically.</summary>
internal static class CkptSaveCommand
{
    public static Command Create()
    {
        var job = CkptArguments.Job();
        var step = CkptArguments.Step();
        var folder = new Argument<string>("localdir") { Description = "Local folder of the checkpoint; every file below it is a shard (its path below the folder kept)." };
        var parallel = CkptArguments.Parallel();
        var quiet = CkptArguments.Quiet();
        var replication = CkptArguments.Replication();
        var blockSize = CkptArguments.BlockSize();
        var metadata = new MetadataOptions();
        var command = new Command("save", "Upload a local checkpoint folder as step STEP of JOB, shards in parallel, committed atomically (complete or invisible).")
        {
            job, step, folder, parallel, quiet, replication, blockSize,
        };
        metadata.AddTo(command);
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var started = Stopwatch.GetTimestamp();
            var shards = LocalShard.InFolder(result.GetRequiredValue(folder));
            var jobPath = result.GetRequiredValue(job);
            var stepNumber = result.GetValue(step);
            var writer = await CheckpointWriter.BeginAsync(client, jobPath, stepNumber, writeShardRecords: false, cancellationToken);
            CommitCheckpointResponse committed;
            try
            {
                var uploader = new ShardUploader(client, writer, CkptArguments.CreateOptions(result, replication, blockSize), result.GetValue(parallel));
                var entries = await uploader.UploadAsync("ckpt save", shards, result.GetValue(quiet), cancellationToken);
                var elapsed = Stopwatch.GetElapsedTime(started);
                committed = await CheckpointCommitter.CommitAsync(client, jobPath, stepNumber, entries, metadata.Read(result), new SaveTimings(elapsed, elapsed), cancellationToken);
            }
            catch
            {
                // Any failure, a signal's cancellation included: the pending step goes, its open shards' leases with it.
                await RemoteCleanup.DeleteQuietlyAsync(client, writer.Pending.Value, recursive: true);
                throw;
            }
            Console.WriteLine(CommitSummary.Describe(committed));
            return 0;
        });
        return command;
    }
}
