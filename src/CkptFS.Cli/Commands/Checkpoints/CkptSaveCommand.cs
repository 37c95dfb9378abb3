using System.CommandLine;
using System.Diagnostics;
using CkptFS.Cli.Checkpoints;
using CkptFS.Client;
using CkptFS.Client.Checkpoints;
using CkptFS.Common;
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
                var uploader = new ShardUploader(writer, CkptArguments.CreateOptions(result, replication, blockSize), result.GetValue(parallel));
                var entries = await uploader.UploadAsync("ckpt save", shards, result.GetValue(quiet), cancellationToken);
                var elapsed = Stopwatch.GetElapsedTime(started);
                committed = await CheckpointCommitter.CommitAsync(client, jobPath, stepNumber, entries, metadata.Read(result), new SaveTimings(elapsed, elapsed), cancellationToken);
            }
            catch (Exception e) when (e is CkptFsException or IOException or OperationCanceledException)
            {
                await DiscardAsync(client, writer);
                throw;
            }
            Console.WriteLine(CommitSummary.Describe(committed));
            return 0;
        });
        return command;
    }

    /// <summary>Best effort: a failed save removes its pending step (else the NameNode collects it after the grace period).</summary>
    private static async Task DiscardAsync(CkptFsClient client, CheckpointWriter writer)
    {
        try
        {
            await client.DeleteAsync(writer.Pending.Value, recursive: true, CancellationToken.None);
        }
        catch (CkptFsException)
        {
            // A shard still open, or the NameNode gone: the janitor collects the step later; the save's own error is the one to report.
        }
    }
}
