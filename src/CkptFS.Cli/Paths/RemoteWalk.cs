using CkptFS.Client;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Paths;

/// <summary>A remote directory's entries, page by page, optionally the whole tree below it (ls -R, chmod -R).</summary>
internal static class RemoteWalk
{
    /// <summary>Entries in name order; with recursion, each directory's contents right after it (depth first).</summary>
    public static async IAsyncEnumerable<FileStatus> Entries(CkptFsClient client, string path, bool recursive, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in client.ListAsync(path, cancellationToken))
        {
            yield return entry;
            if (recursive && entry.Type == FileType.Directory && entry.Path != path)
            {
                await foreach (var below in Entries(client, entry.Path, recursive, cancellationToken))
                {
                    yield return below;
                }
            }
        }
    }
}
