using System.CommandLine;
using CkptFS.Cli.Paths;
using CkptFS.Cli.Output;
using CkptFS.Cli.Transfers;
using CkptFS.Client;

namespace CkptFS.Cli.Commands;

internal static class PutCommand
{
    public static Command Create()
    {
        var force = new Option<bool>("-f", "--force") { Description = "Overwrite existing files." };
        var replication = CliOptions.Replication();
        var blockSize = new Option<string?>("--block-size") { Description = "Block size, e.g. 128M (default: the NameNode's, 128 MiB)." };
        var quiet = new Option<bool>("-q", "--quiet") { Description = "No progress and no summary." };
        var parallel = CliOptions.Parallel("Files copied at once");
        var paths = new Argument<string[]>("paths")
        {
            Description = "LOCAL... REMOTE: files or folders ('-' for stdin) to a CkptFS path or into a CkptFS directory.",
            Arity = new ArgumentArity(2, 100_000),
        };
        var command = new Command("put", "Copy local files and folders into CkptFS (checksummed, replicated).") { force, replication, blockSize, quiet, parallel, paths };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var all = result.GetRequiredValue(paths);
            var options = new CreateFileOptions
            {
                Overwrite = result.GetValue(force),
                Replication = result.GetValue(replication),
                BlockSizeBytes = result.GetValue(blockSize) is { } size ? SizeParser.Parse(size, "--block-size") : 0,
            };
            var uploader = new Uploader(client, options);
            var items = await uploader.PlanAsync(all[..^1], RemotePath.Resolve(all[^1]), cancellationToken);
            await TransferProgress.RunAsync("put", items.Sum(i => Math.Max(0, i.Bytes)), result.GetValue(quiet), progress =>
                ParallelTransfer.RunAsync(items, i => i.LocalFile is not null, uploader.UploadAsync, result.GetValue(parallel), progress, cancellationToken));
            return 0;
        });
        return command;
    }
}
