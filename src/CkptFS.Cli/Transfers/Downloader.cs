using CkptFS.Client;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Cli.Transfers;

/// <summary>
/// `get`: CkptFS files and directories to local ones, as HDFS -get. Every chunk is checksum-verified
/// by the reader. A local file is written as "NAME._COPYING_" and renamed into place when complete, so
/// an interrupted get never leaves a truncated file under the final name. '-' streams to stdout.
/// </summary>
public sealed class Downloader(CkptFsClient client, bool overwrite)
{
    /// <summary>A planned copy: a CkptFS file (or null for a folder to create) and its local path.</summary>
    public sealed record Item(string? RemoteFile, string LocalPath, long Bytes);

    public async Task<IReadOnlyList<Item>> PlanAsync(IReadOnlyList<string> sources, string destination, CancellationToken cancellationToken)
    {
        var toStdout = destination == "-";
        var intoFolder = !toStdout && Directory.Exists(destination);
        if (sources.Count > 1 && !intoFolder && !toStdout)
        {
            throw new CkptFsException(ErrorCode.NotADirectory, $"Cannot get {sources.Count} sources into {destination}: it is not an existing local folder.");
        }
        var items = new List<Item>();
        foreach (var source in sources)
        {
            var status = await client.GetFileInfoAsync(source, cancellationToken);
            var local = toStdout ? "-" : intoFolder ? Path.Combine(destination, NameOf(status.Path)) : destination;
            if (status.Type == FileType.Directory)
            {
                if (toStdout)
                {
                    throw new CkptFsException(ErrorCode.IsADirectory, $"Cannot write {source} to stdout: it is a directory.");
                }
                if (File.Exists(local))
                {
                    throw new CkptFsException(ErrorCode.NotADirectory, $"Cannot get directory {source} as {local}: a local file is in the way (give a folder, or a new name).");
                }
                await AddDirectoryAsync(status.Path, local, items, cancellationToken);
            }
            else
            {
                items.Add(new Item(status.Path, local, (long)status.Length));
            }
        }
        return items;
    }

    public async Task DownloadAsync(Item item, Action<long> progress, CancellationToken cancellationToken)
    {
        if (item.RemoteFile is null)
        {
            Directory.CreateDirectory(item.LocalPath);
            return;
        }
        await using var input = await client.OpenAsync(item.RemoteFile, cancellationToken);
        if (item.LocalPath == "-")
        {
            await using var stdout = Console.OpenStandardOutput();
            await Transfers.StreamCopy.CopyAsync(input, stdout, progress, cancellationToken);
            return;
        }
        LocalTarget.Check(item.RemoteFile, item.LocalPath, overwrite);
        var temporary = item.LocalPath + Uploader.CopyingSuffix;
        try
        {
            await using (var output = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, BufferSize = 0, Options = FileOptions.Asynchronous }))
            {
                await StreamCopy.CopyAsync(input, output, progress, cancellationToken);
            }
            File.Move(temporary, item.LocalPath, overwrite);
        }
        catch (Exception e)
        {
            // Any failure, a signal's cancellation included: no NAME._COPYING_ stays behind.
            File.Delete(temporary);
            throw e is IOException io && io.Message.Contains(temporary, StringComparison.Ordinal)
                ? new IOException(io.Message.Replace(temporary, item.LocalPath, StringComparison.Ordinal), io)
                : e;
        }
    }

    private async Task AddDirectoryAsync(string remote, string local, List<Item> items, CancellationToken cancellationToken)
    {
        items.Add(new Item(null, local, 0));
        await foreach (var entry in client.ListAsync(remote, cancellationToken))
        {
            var childLocal = Path.Combine(local, NameOf(entry.Path));
            if (entry.Type == FileType.Directory)
            {
                await AddDirectoryAsync(entry.Path, childLocal, items, cancellationToken);
            }
            else if (!entry.Path.EndsWith(Uploader.CopyingSuffix, StringComparison.Ordinal))
            {
                items.Add(new Item(entry.Path, childLocal, (long)entry.Length));
            }
        }
    }

    private static string NameOf(string remotePath) => remotePath == "/" ? "root" : remotePath[(remotePath.LastIndexOf('/') + 1)..];
}
