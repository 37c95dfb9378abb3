using CkptFS.Client;
using CkptFS.Mount.Handles;
using CkptFS.Mount.Native;
using CkptFS.Mount.Paths;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CkptFS.Mount.FileSystem;

/// <summary>
/// CkptFS as a POSIX file system: each kernel request becomes SDK calls (thin: the NameNode decides,
/// the mount maps its answer to an errno through <see cref="Errno"/>). Split by concern:
/// namespace calls, files (open, read, write, close), attributes, and the checkpoint idioms.
/// Calls arrive concurrently on libfuse's threads and block on the SDK's async calls there (they
/// are not thread-pool threads).
/// </summary>
public sealed partial class CkptFsFileSystem : IFuseFileSystem
{
    private readonly CkptFsClient _client;
    private readonly MountOptions _options;
    private readonly ILogger _logger;
    private readonly MountPaths _paths;
    private readonly HandleTable _handles = new();
    private readonly AttributeCache _attributes;
    private readonly UserIds _users;

    public CkptFsFileSystem(CkptFsClient client, MountOptions options, ILogger logger)
    {
        _client = client;
        _options = options;
        _logger = logger;
        _paths = new MountPaths(options.Root);
        _attributes = new AttributeCache(options.AttributeTimeout);
        _users = new UserIds(Libc.GetUid(), Libc.GetGid());
    }

    /// <summary>Files open for write through the mount right now.</summary>
    public int OpenWriters => _handles.All.OfType<WriteHandle>().Count(h => h.IsOpen);

    public void Initialized() => _logger.LogInformation("The kernel connected: serving {Root} of the NameNode at {NameNode}.", _options.Root, _client.Options.NameNodeAddress);

    /// <summary>
    /// Shutdown (SIGTERM/SIGINT): completes every file still open for write, in parallel, waiting at
    /// most <paramref name="wait"/>; returns how many could not be completed in time or failed.
    /// </summary>
    public int CloseAllWriters(TimeSpan wait)
    {
        var writers = _handles.All.OfType<WriteHandle>().Where(h => h.IsOpen).ToList();
        if (writers.Count == 0)
        {
            return 0;
        }
        _logger.LogInformation("Completing {Count} file(s) still open for write (waiting up to {Seconds} s).", writers.Count, wait.TotalSeconds);
        var closes = writers.Select(w => Task.Run(() => (w.Path, Result: w.CloseForShutdown()))).ToArray();
        Task.WaitAll(closes, wait);
        var failed = 0;
        foreach (var close in closes)
        {
            if (!close.IsCompletedSuccessfully || close.Result.Result != 0)
            {
                failed++;
                _logger.LogWarning("{Path} was not completed at shutdown: its lease is recovered by the NameNode.", close.IsCompletedSuccessfully ? close.Result.Path : "a file");
            }
        }
        return failed;
    }

    /// <summary>The status of a CkptFS path, from the listing cache when fresh, else from the NameNode.</summary>
    private FileStatus? TryStatus(string remote)
    {
        if (_attributes.Get(remote) is { } cached)
        {
            return cached;
        }
        var status = _client.TryGetFileInfoAsync(remote).GetAwaiter().GetResult();
        if (status is not null)
        {
            _attributes.Put(remote, status);
        }
        return status;
    }

    private FileStatus Status(string remote) =>
        TryStatus(remote) ?? throw new MountRefusal(Errno.ENOENT, $"{remote} does not exist");

    private void RequireWritable(string call, string path)
    {
        if (_options.ReadOnly)
        {
            throw new MountRefusal(Errno.EROFS, $"{call} {path}: the mount is read-only");
        }
    }

    /// <summary>Runs one call: a refusal or failure becomes its negative errno and one log line.</summary>
    private int Run(string call, string path, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (MountRefusal refusal)
        {
            if (refusal.Errno is not Errno.ENOENT)
            {
                _logger.LogInformation("{Call} {Path}: {Reason} (errno {Errno}).", call, path, refusal.Message, refusal.Errno);
            }
            return -refusal.Errno;
        }
        catch (Exception e)
        {
            var errno = Errno.FromException(e);
            if (errno == Errno.EIO)
            {
                _logger.LogError("{Call} {Path} failed (EIO): {Reason}", call, path, e is Common.CkptFsException ? e.Message : e.ToString());
            }
            else if (errno != Errno.ENOENT)
            {
                _logger.LogInformation("{Call} {Path}: {Reason} (errno {Errno}).", call, path, e.Message, errno);
            }
            return -errno;
        }
    }
}
