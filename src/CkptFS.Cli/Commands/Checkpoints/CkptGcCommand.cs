using System.CommandLine;

namespace CkptFS.Cli.Commands.Checkpoints;

/// <summary>`ckpt gc JOB`: apply retention now and collect abandoned pending steps.</summary>
internal static class CkptGcCommand
{
    public static Command Create()
    {
        var job = CkptArguments.Job();
        var command = new Command("gc",
            "Apply JOB's retention now and collect abandoned pending steps (no file open for write, idle for the NameNode's Checkpoints:PendingGracePeriod).")
        {
            job,
        };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var jobPath = result.GetRequiredValue(job);
            var response = await client.CollectCheckpointGarbageAsync(jobPath, cancellationToken);
            Console.WriteLine($"{jobPath}: retention deleted {Steps(response.RetentionDeleted)}; abandoned pending steps collected {Steps(response.PendingCollected)}; records of hand-removed folders dropped {Steps(response.RecordsDropped)}");
            return 0;
        });
        return command;
    }

    private static string Steps(IReadOnlyCollection<ulong> steps) => steps.Count == 0 ? "none" : $"step {string.Join(", ", steps)}";
}
