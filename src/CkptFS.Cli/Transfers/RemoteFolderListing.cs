using System.Collections.Concurrent;
using CkptFS.Client;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Transfers;

/// <summary>
/// What already exists in the remote folders a `put` fills, listed once per folder (a page per
/// thousand entries) instead of one stat per file: a folder of a thousand small files would otherwise
/// spend a NameNode round trip per file on a question the listing answers. The answer only decides
/// what to say early (exists, use -f) and whether an open file needs its lease recovered: the final
/// rename still refuses to replace a file created meanwhile.
/// </summary>
internal sealed class RemoteFolderListing(CkptFsClient client)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Dictionary<string, FileStatus>>>> _folders = new(StringComparer.Ordinal);

    public async Task<FileStatus?> FindAsync(string path, CancellationToken cancellationToken)
    {
        var slash = path.LastIndexOf('/');
        var folder = slash == 0 ? "/" : path[..slash];
        // The first caller's token lists the folder; a cancelled listing fails every file of it, as the put stops anyway.
        var entries = await _folders.GetOrAdd(folder, f => new Lazy<Task<Dictionary<string, FileStatus>>>(() => ListAsync(f, cancellationToken))).Value;
        return entries.GetValueOrDefault(path[(slash + 1)..]);
    }

    private async Task<Dictionary<string, FileStatus>> ListAsync(string folder, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<string, FileStatus>(StringComparer.Ordinal);
        try
        {
            await foreach (var entry in client.ListAsync(folder, cancellationToken))
            {
                entries[entry.Path[(entry.Path.LastIndexOf('/') + 1)..]] = entry;
            }
        }
        catch (CkptFsException e) when (e.Code == ErrorCode.FileNotFound)
        {
            // Not there yet: nothing in it to replace.
        }
        return entries;
    }
}
