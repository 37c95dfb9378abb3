using System.CommandLine;
using CkptFS.Cli.Checkpoints;
using CkptFS.Cli.Output;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>`ckpt latest JOB`: the checkpoint resume loads, as "STEP PATH" (exit 1 when the job has none).</summary>
internal static class CkptLatestCommand
{
    public static Command Create()
    {
        var job = CkptArguments.Job();
        var json = CliOptions.Json();
        var command = new Command("latest", "Print the newest intact checkpoint of JOB as 'STEP PATH' (exit 1 when there is none).") { job, json };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var latest = await client.GetCheckpointAsync(result.GetRequiredValue(job), null, cancellationToken);
            if (result.GetValue(json))
            {
                await JsonOutput.WriteAsync(writer => CheckpointJson.Write(writer, latest), cancellationToken);
                return 0;
            }
            Console.WriteLine($"{latest.Step} {latest.Path}");
            return 0;
        });
        return command;
    }
}
