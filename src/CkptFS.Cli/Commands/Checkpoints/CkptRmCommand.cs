using System.CommandLine;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>`ckpt rm JOB STEP [--force]`: delete a committed checkpoint, folder and record at once.</summary>
internal static class CkptRmCommand
{
    public static Command Create()
    {
        var job = CkptArguments.Job();
        var step = CkptArguments.Step();
        var force = new Option<bool>("-f", "--force") { Description = "Also delete the latest checkpoint (resume then falls back to the one before)." };
        var command = new Command("rm", "Delete a committed checkpoint of JOB (the latest only with --force).") { job, step, force };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var jobPath = result.GetRequiredValue(job);
            var response = await client.DeleteCheckpointAsync(jobPath, result.GetValue(step), result.GetValue(force), cancellationToken);
            Console.WriteLine($"deleted step {result.GetValue(step)} of {jobPath}; latest is {(response.HasLatest ? $"step {response.LatestStep}" : "none")}");
            return 0;
        });
        return command;
    }
}
