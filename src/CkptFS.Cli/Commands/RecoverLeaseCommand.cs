using System.CommandLine;
using CkptFS.Cli.Paths;
using CkptFS.Cli.Checkpoints;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Commands;

/// <summary>
/// `ckptfs recover-lease PATH [--force] [--timeout 60s]`: takes over a file whose writer is gone (HDFS
/// `hdfs debug recoverLease`). The NameNode recovers the last block (the length every good replica
/// holds, under a new genstamp that fences the old writer) and closes the file; this waits for that
/// and prints the final length. Exit 0 once closed; 1 when the holder may still be alive (its soft
/// limit has not passed: --force overrides) or the file is not closed in time.
/// </summary>
internal static class RecoverLeaseCommand
{
    public static Command Create()
    {
        var force = new Option<bool>("-f", "--force") { Description = "Recover now, before the writer's soft limit passes (only when you know the writer is dead)." };
        var timeout = new Option<string>("--timeout") { Description = "How long to wait for the file to be closed, e.g. 30s, 5m.", DefaultValueFactory = _ => "60s" };
        var path = RemotePath.One("path", "The file to take over.");
        var command = new Command("recover-lease", "Close a file whose writer died, at the length its replicas agree on (lease recovery).") { force, timeout, path };
        ClientAction.Set(command, async (result, client, cancellationToken) =>
        {
            var file = result.GetRequiredValue(path);
            var wait = DurationParser.Parse(result.GetRequiredValue(timeout), "--timeout");
            var forced = result.GetValue(force);
            var status = await client.GetFileInfoAsync(file, cancellationToken);
            if (status.Type == FileType.Directory)
            {
                throw new CkptFsException(ErrorCode.IsADirectory, $"Cannot recover the lease of {file}: it is a directory; name a file.");
            }
            if (!status.UnderConstruction)
            {
                Console.WriteLine($"{file} is closed ({status.Length} bytes): nothing to recover.");
                return 0;
            }
            Console.WriteLine($"{file} is open for write by {status.LeaseHolder} ({status.Length} bytes visible to readers).");
            bool closed;
            try
            {
                closed = await client.RecoverLeaseAsync(file, forced, cancellationToken);
            }
            catch (CkptFsException e) when (e.Code == ErrorCode.LeaseHeldByOther && !forced)
            {
                await Console.Error.WriteLineAsync($"ckptfs: {e.Message}");
                await Console.Error.WriteLineAsync("ckptfs: if you know that writer is dead, take the file over now with --force.");
                return 1;
            }
            if (!closed)
            {
                Console.WriteLine($"Lease recovery started{(forced ? " (forced)" : string.Empty)}; waiting up to {wait.TotalSeconds:0.###} s for the NameNode to recover the last block and close the file.");
                closed = await client.WaitForLeaseRecoveryAsync(file, forced, wait, cancellationToken);
            }
            if (!closed)
            {
                await Console.Error.WriteLineAsync(
                    $"ckptfs: {file} is still open after {wait.TotalSeconds:0.###} s: the NameNode goes on recovering it. Run this again to keep waiting, " +
                    $"or see the NameNode's log and 'ckptfs fsck {file} --blocks' for its last block's replicas.");
                return 1;
            }
            var final = await client.GetFileInfoAsync(file, cancellationToken);
            Console.WriteLine($"{file} is closed: {final.Length} bytes in {final.BlockCount} blocks.");
            return 0;
        });
        return command;
    }
}
