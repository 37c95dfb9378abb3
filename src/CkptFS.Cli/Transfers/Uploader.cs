using CkptFS.Client;
using CkptFS.Client.Streams;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Transfers;

/// <summary>
/// `put`: local files and folders into CkptFS, as HDFS -put. One source onto a path that is not a
/// directory: that path is the file. Otherwise each source goes into the destination directory under
/// its own name. Each file is written as "NAME._COPYING_" and moved into place by the NameNode in the
/// same step that closes it (durable), so a reader never sees a half-uploaded file under its final
/// name; a small file costs two NameNode round trips (create with its first block, complete with the
/// move) and one pipeline.
/// </summary>
public sealed class Uploader(CkptFsClient client, CreateFileOptions options)
{
    public const string CopyingSuffix = "._COPYING_";

    private readonly RemoteFolderListing _listing = new(client);
    private readonly HashSet<string> _plannedFolders = new(StringComparer.Ordinal);

    /// <summary>A planned copy: a local file (or null for a folder to create) and its CkptFS path.</summary>
    public sealed record Item(string? LocalFile, string RemotePath, long Bytes);

    public async Task<IReadOnlyList<Item>> PlanAsync(IReadOnlyList<string> sources, string destination, CancellationToken cancellationToken)
    {
        var target = await client.TryGetFileInfoAsync(destination, cancellationToken);
        var intoDirectory = target?.Type == FileType.Directory;
        if (sources.Count > 1 && !intoDirectory)
        {
            throw new CkptFsException(ErrorCode.NotADirectory, $"Cannot put {sources.Count} sources into {destination}: it is not an existing directory (create it with 'ckptfs mkdir -p').");
        }
        var items = new List<Item>();
        foreach (var source in sources)
        {
            var remote = intoDirectory ? Join(destination, Path.GetFileName(Path.TrimEndingDirectorySeparator(source))) : destination;
            if (source == "-")
            {
                items.Add(new Item("-", remote, -1));
            }
            else if (Directory.Exists(source))
            {
                AddFolder(source, remote, items);
            }
            else if (File.Exists(source))
            {
                items.Add(new Item(source, remote, new FileInfo(source).Length));
            }
            else
            {
                throw new CkptFsException(ErrorCode.FileNotFound, $"Cannot put {source}: no such local file or folder.");
            }
        }
        return items;
    }

    public async Task UploadAsync(Item item, Action<long> progress, CancellationToken cancellationToken)
    {
        if (item.LocalFile is null)
        {
            await client.MkdirsAsync(item.RemotePath, createParents: true, cancellationToken: cancellationToken);
            return;
        }
        var existing = IsInPlannedFolder(item.RemotePath)
            ? await _listing.FindAsync(item.RemotePath, cancellationToken)
            : await client.TryGetFileInfoAsync(item.RemotePath, cancellationToken);
        if (existing is not null && !options.Overwrite)
        {
            throw new CkptFsException(ErrorCode.FileAlreadyExists, $"Cannot put {item.RemotePath}: it already exists (use -f to overwrite it).");
        }
        if (existing is { UnderConstruction: true })
        {
            await TakeOverAsync(item.RemotePath, cancellationToken);
        }
        var temporary = item.RemotePath + CopyingSuffix;
        try
        {
            await using var source = item.LocalFile == "-" ? Console.OpenStandardInput() : OpenLocal(item.LocalFile);
            await WriteTemporaryAsync(source, temporary, item, progress, cancellationToken);
        }
        catch (CkptFsException e) when (e.Message.Contains(temporary, StringComparison.Ordinal))
        {
            // The user named /x, not /x._COPYING_.
            throw new CkptFsException(e.Code, e.Message.Replace(temporary, item.RemotePath, StringComparison.Ordinal), e);
        }
    }

    /// <summary>
    /// Writes NAME._COPYING_ and closes it, the close moving it to NAME in the same NameNode step
    /// (small files: the first block comes with the create). On any failure, a signal's cancellation included, the
    /// temporary file is deleted, which also releases its lease: a re-run, with or without -f,
    /// succeeds at once instead of waiting out the soft limit (as `hdfs dfs -put` does).
    /// </summary>
    private async Task WriteTemporaryAsync(Stream source, string temporary, Item item, Action<long> progress, CancellationToken cancellationToken)
    {
        CkptFsOutputStream? output = null;
        try
        {
            output = await client.CreateAsync(temporary, options with
            {
                Overwrite = true,
                AllocateFirstBlock = item.Bytes != 0,
                RenameOnClose = item.RemotePath,
                RenameOnCloseOverwrite = options.Overwrite,
            }, cancellationToken);
            await StreamCopy.CopyAsync(source, output, progress, cancellationToken);
            await output.CloseAsync(cancellationToken);
        }
        catch
        {
            if (output is not null)
            {
                await output.AbortAsync();
            }
            await RemoteCleanup.DeleteQuietlyAsync(client, temporary);
            throw;
        }
    }

    /// <summary>
    /// -f over a file another writer left open: the final rename may not replace an open file, so its
    /// lease is recovered first (after the holder's soft limit; a live writer's file is refused with
    /// the NameNode's message naming it), as the create of NAME._COPYING_ waits out its own.
    /// </summary>
    private async Task TakeOverAsync(string path, CancellationToken cancellationToken)
    {
        var timeout = client.Options.LeaseRecoveryTimeout;
        if (!await client.WaitForLeaseRecoveryAsync(path, force: false, timeout, cancellationToken))
        {
            throw new CkptFsException(ErrorCode.RecoveryInProgress,
                $"Cannot put {path}: the file it replaces, left open by a writer that is gone, is still being recovered after {timeout.TotalSeconds:0} s. " +
                $"Try again later; 'ckptfs recover-lease {path}' waits for the recovery and shows how it ends.");
        }
    }

    /// <summary>A file of a folder this put copies: its folder is listed once rather than each file stated.</summary>
    private bool IsInPlannedFolder(string path)
    {
        var slash = path.LastIndexOf('/');
        return _plannedFolders.Contains(slash == 0 ? "/" : path[..slash]);
    }

    private static FileStream OpenLocal(string path) =>
        new(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Options = FileOptions.SequentialScan | FileOptions.Asynchronous, BufferSize = 0 });

    private void AddFolder(string folder, string remote, List<Item> items)
    {
        items.Add(new Item(null, remote, 0));
        _plannedFolders.Add(remote);
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(entry);
            if (Directory.Exists(entry))
            {
                AddFolder(entry, Join(remote, name), items);
            }
            else
            {
                items.Add(new Item(entry, Join(remote, name), new FileInfo(entry).Length));
            }
        }
    }

    private static string Join(string directory, string name) => directory.EndsWith('/') ? directory + name : directory + "/" + name;
}
