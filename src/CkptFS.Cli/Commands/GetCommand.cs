using System.CommandLine;
using CkptFS.Cli.Paths;
using CkptFS.Cli.Output;
using CkptFS.Cli.Transfers;

namespace CkptFS.Cli.Commands;

internal static class GetCommand
{
    public static Command Create()
    {
        var force = new Option<bool>("-f", "--force") { Description = "Overwrite existing local files." };
        var quiet = new Option<bool>("-q", "--quiet") { Description = "No progress and no summary." };
        var parallel = CliOptions.Parallel("Files copied at once");
        var paths = new Argument<string[]>("paths")
        {
            Description = "REMOTE... LOCAL: CkptFS files or directories to a local path, into a local folder, or '-' for stdout.",
            Arity = new ArgumentArity(2, 100_000),
        };
        var command = new Command("get", "Copy CkptFS files and directories to the local filesystem (every chunk checksum-verified).") { force, quiet, parallel, paths };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var all = result.GetRequiredValue(paths);
            var downloader = new Downloader(client, result.GetValue(force));
            var items = await downloader.PlanAsync(RemotePath.ResolveAll(all[..^1]), all[^1], cancellationToken);
            await TransferProgress.RunAsync("get", items.Sum(i => i.Bytes), result.GetValue(quiet) || all[^1] == "-", progress =>
                ParallelTransfer.RunAsync(items, i => i.RemoteFile is not null, downloader.DownloadAsync,
                    all[^1] == "-" ? 1 : result.GetValue(parallel), progress, cancellationToken));   // to stdout: one after the other, in order
            return 0;
        });
        return command;
    }
}
