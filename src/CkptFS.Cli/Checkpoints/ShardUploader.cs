using CkptFS.Cli.Output;
using CkptFS.Cli.Transfers;
using CkptFS.Client;
using CkptFS.Client.Checkpoints;
using CkptFS.Common.Checkpoints;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Checkpoints;

/// <summary>
/// Uploads local files as shards of a pending checkpoint, <see cref="Parallel"/> at once (each
/// shard streams through its own DataNode pipeline), with one progress display for all of them.
/// A failed shard cancels the others and fails the upload; each unfinished shard is deleted (a signal included).
/// </summary>
internal sealed class ShardUploader(CkptFsClient client, CheckpointWriter writer, CreateFileOptions options, int parallel)
{
    public int Parallel { get; } = Math.Max(1, parallel);

    public async Task<IReadOnlyList<ShardEntry>> UploadAsync(string verb, IReadOnlyList<LocalShard> shards, bool quiet, CancellationToken cancellationToken)
    {
        var entries = new ShardEntry[shards.Count];
        await TransferProgress.RunAsync(verb, shards.Sum(s => Math.Max(0, s.Bytes)), quiet, progress =>
            System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(0, shards.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    entries[i] = await UploadOneAsync(shards[i], progress.Advance, token);
                    progress.FileDone();
                }));
        return entries;
    }

    private async Task<ShardEntry> UploadOneAsync(LocalShard shard, Action<long> progress, CancellationToken cancellationToken)
    {
        await using var source = shard.LocalPath == LocalShard.StandardInput ? Console.OpenStandardInput() : new FileStream(shard.LocalPath, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
            BufferSize = 0,
        });
        var hasData = shard.LocalPath == LocalShard.StandardInput || source.Length > 0;
        try
        {
            await using var output = await writer.CreateShardAsync(shard.ShardPath, options with { AllocateFirstBlock = hasData }, cancellationToken);
            await StreamCopy.CopyAsync(source, output, progress, cancellationToken);
            return await output.CompleteAsync(cancellationToken);
        }
        catch
        {
            // This process's shard only (other ranks write the same pending step): its lease goes with it.
            await RemoteCleanup.DeleteQuietlyAsync(client, CheckpointNames.ShardPath(writer.Pending, shard.ShardPath).Value);
            throw;
        }
    }
}
