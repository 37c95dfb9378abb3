using System.CommandLine;
using CkptFS.Cli.Checkpoints;
using CkptFS.Protocol.Checkpoints;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>`ckpt show JOB [STEP] [--json]`: a checkpoint's manifest, shards and tensors (the latest when STEP is left out).</summary>
internal static class CkptShowCommand
{
    public static Command Create()
    {
        var job = CkptArguments.Job();
        var step = CkptArguments.OptionalStep();
        var json = new Option<bool>("--json") { Description = "Print the stored manifest (JSON) instead of text." };
        var command = new Command("show", "Show a checkpoint's manifest: run metadata, shards with sizes and CRC32C, safetensors tensors with byte ranges.") { job, step, json };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var checkpoint = await client.GetCheckpointAsync(result.GetRequiredValue(job), result.GetValue(step), cancellationToken);
            if (result.GetValue(json))
            {
                Console.WriteLine(ManifestJson.Format(checkpoint.Manifest));
                return 0;
            }
            CheckpointText.WriteShow(Console.Out, checkpoint);
            return 0;
        });
        return command;
    }
}
