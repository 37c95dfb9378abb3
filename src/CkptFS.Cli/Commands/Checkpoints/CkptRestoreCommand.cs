using System.CommandLine;
using System.Globalization;
using CkptFS.Cli.Checkpoints;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>`ckpt restore JOB [STEP] LOCALDIR`: download a committed checkpoint (the latest by default), every shard's CRC32C verified.</summary>
internal static class CkptRestoreCommand
{
    public static Command Create()
    {
        var job = CkptArguments.Job();
        var rest = new Argument<string[]>("step-and-localdir")
        {
            Description = "[STEP] LOCALDIR: the step (default: the latest) and the local folder to write the shards into.",
            Arity = new ArgumentArity(1, 2),
        };
        var force = new Option<bool>("-f", "--force") { Description = "Overwrite existing local files." };
        var parallel = CkptArguments.Parallel();
        var quiet = CkptArguments.Quiet();
        var command = new Command("restore", "Download a checkpoint of JOB (the latest by default) into LOCALDIR, verifying every shard's CRC32C.")
        {
            job, rest, force, parallel, quiet,
        };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var arguments = result.GetRequiredValue(rest);
            ulong? step = arguments.Length == 2
                ? ulong.TryParse(arguments[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                    ? parsed
                    : throw new ArgumentException($"'{arguments[0]}' is not a step number (usage: ckpt restore JOB [STEP] LOCALDIR).")
                : null;
            var checkpoint = await client.GetCheckpointAsync(result.GetRequiredValue(job), step, cancellationToken);
            var folder = arguments[^1];
            await new ShardRestorer(client, result.GetValue(force), result.GetValue(parallel)).RestoreAsync(checkpoint, folder, result.GetValue(quiet), cancellationToken);
            Console.WriteLine($"restored step {checkpoint.Step} of {checkpoint.Job} into {Path.GetFullPath(folder)}: {checkpoint.Manifest.Shards.Count} shards, every CRC32C verified");
            return 0;
        });
        return command;
    }
}
