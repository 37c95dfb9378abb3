using System.CommandLine;
using CkptFS.Cli.Checkpoints;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>`ckpt retain JOB --keep-last N [--keep-every K]`: set the job's retention policy (no option: show it).</summary>
internal static class CkptRetainCommand
{
    public static Command Create()
    {
        var job = CkptArguments.Job();
        var keepLast = new Option<uint?>("--keep-last") { Description = "Keep the newest N committed checkpoints (0: rule off)." };
        var keepEvery = new Option<uint?>("--keep-every") { Description = "Also keep every step divisible by K (0: rule off)." };
        var command = new Command("retain", "Set the retention policy of JOB, applied after each commit and by 'ckpt gc' (no option: show it).") { job, keepLast, keepEvery };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var jobPath = result.GetRequiredValue(job);
            var current = (await client.ListCheckpointsAsync(jobPath, cancellationToken)).Retention ?? new RetentionPolicy();
            if (result.GetValue(keepLast) is null && result.GetValue(keepEvery) is null)
            {
                Console.WriteLine($"retention of {jobPath}: {CheckpointText.Retention(current)}");
                return 0;
            }
            var policy = new RetentionPolicy
            {
                KeepLast = result.GetValue(keepLast) ?? current.KeepLast,
                KeepEvery = result.GetValue(keepEvery) ?? current.KeepEvery,
            };
            var set = await client.SetRetentionAsync(jobPath, policy, cancellationToken);
            Console.WriteLine($"retention of {jobPath}: {CheckpointText.Retention(set)}; applied after each commit and by 'ckptfs ckpt gc {jobPath}'");
            return 0;
        });
        return command;
    }
}
