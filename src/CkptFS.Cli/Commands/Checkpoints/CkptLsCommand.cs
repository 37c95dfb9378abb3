using System.CommandLine;
using CkptFS.Cli.Checkpoints;
using CkptFS.Cli.Output;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>`ckpt ls JOB [--json]`: committed checkpoints in step order (latest marked, damaged ones flagged), then pending steps.</summary>
internal static class CkptLsCommand
{
    public static Command Create()
    {
        var job = CkptArguments.Job();
        var json = CliOptions.Json();
        var command = new Command("ls", "List the checkpoints of JOB: committed ones in step order (latest marked), then pending steps.") { job, json };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var jobPath = result.GetRequiredValue(job);
            var listing = await client.ListCheckpointsAsync(jobPath, cancellationToken);
            if (result.GetValue(json))
            {
                await JsonOutput.WriteAsync(writer => CheckpointJson.WriteListing(writer, jobPath, listing), cancellationToken);
                return 0;
            }
            Console.WriteLine(CheckpointText.ListHeader);
            foreach (var checkpoint in listing.Checkpoints)
            {
                Console.WriteLine(CheckpointText.Line(checkpoint));
            }
            Console.WriteLine($"retention: {CheckpointText.Retention(listing.Retention)}");
            return 0;
        });
        return command;
    }
}
