using System.CommandLine;
using CkptFS.Cli.Checkpoints;
using CkptFS.Client.Checkpoints;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>`ckpt commit JOB STEP`: the coordinator's commit of shards written by `ckpt put-shard` (or SDK writers) in other processes.</summary>
internal static class CkptCommitCommand
{
    public static Command Create()
    {
        var job = CkptArguments.Job();
        var step = CkptArguments.Step();
        var expect = new Option<int?>("--expect") { Description = "How many shards the step must have (fewer: a rank is missing, the commit is refused)." };
        var saveTime = new Option<string?>("--save-time") { Description = "How long the save blocked training, e.g. 40s (recorded for 'ckpt advise')." };
        var metadata = new MetadataOptions();
        var command = new Command("commit", "Commit step STEP of JOB from the shards its ranks wrote (checks every shard; complete or invisible).") { job, step, expect, saveTime };
        metadata.AddTo(command);
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var blocking = result.GetValue(saveTime) is { } text ? DurationParser.Parse(text, "--save-time") : TimeSpan.Zero;
            var response = await CheckpointCommitter.CommitFromShardRecordsAsync(client, result.GetRequiredValue(job), result.GetValue(step),
                metadata.Read(result), result.GetValue(expect), new SaveTimings(blocking, blocking), cancellationToken);
            Console.WriteLine(CommitSummary.Describe(response));
            return 0;
        });
        return command;
    }
}
