using CkptFS.Cli.Output;

namespace CkptFS.Cli.Transfers;

/// <summary>
/// Runs the items a `put` or `get` planned: folders first, in order (a file's folder exists before
/// the file), then the files, <c>parallel</c> at once. A folder of many small files is bound by round
/// trips and per-file syncs, not by bytes: several files in flight share the NameNode's group commit
/// and the DataNodes' disk syncs. The first failure stops the files not yet started and is the error
/// reported; files already copied stay (as they do when a one-at-a-time copy stops).
/// </summary>
internal static class ParallelTransfer
{
    /// <summary>The default of `put` and `get` --parallel, as `ckpt save` and `ckpt restore`.</summary>
    public const int DefaultParallel = 4;

    public static async Task RunAsync<T>(IReadOnlyList<T> items, Func<T, bool> isFile, Func<T, Action<long>, CancellationToken, Task> transfer,
        int parallel, TransferProgress progress, CancellationToken cancellationToken)
    {
        foreach (var folder in items.Where(item => !isFile(item)))
        {
            await transfer(folder, progress.Advance, cancellationToken);
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallel), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(items.Where(isFile), options, async (file, token) =>
        {
            await transfer(file, progress.Advance, token);
            progress.FileDone();
        });
    }
}
