using CkptFS.Mount.Handles;
using CkptFS.Mount.Native;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CkptFS.Mount.FileSystem;

public sealed partial class CkptFsFileSystem
{
    private const int AccessModeMask = 3;     // O_ACCMODE
    private const int ReadOnlyAccess = 0;     // O_RDONLY
    private const int Truncating = 0x200;     // O_TRUNC

    public int Open(string path, ref FuseOpenInfo info)
    {
        var flags = info.Flags;
        ulong handle = 0;
        var keepCache = false;
        var errno = Run("open", path, () =>
        {
            var remote = _paths.ToRemote(path);
            var status = Status(remote);
            var writing = (flags & AccessModeMask) != ReadOnlyAccess;
            if (status.Type == FileType.Directory)
            {
                return writing ? -Errno.EISDIR : 0;
            }
            if (!writing)
            {
                // A closed file never changes: the kernel may keep its pages from one open to the next.
                keepCache = !status.UnderConstruction;
                handle = _handles.Add(new ReadHandle(path, remote, _client, _logger));
                return 0;
            }
            RequireWritable("open for write", path);
            RequireNotCommitted("open for write", path);
            if (_handles.WriterOf(path) is not null)
            {
                // The mount holds one lease for all its writers: the NameNode cannot tell them apart, the mount can.
                throw new MountRefusal(Errno.EBUSY, "another program is writing this file through this mount (one writer per file)");
            }
            if ((flags & Truncating) == 0 && (status.Length > 0 || status.UnderConstruction))
            {
                // touch(1) and others open for write and never write: that open succeeds; a write is refused.
                handle = _handles.Add(new ReadHandle(path, remote, _client, _logger)
                {
                    WriteRefusal = $"the file was opened for write without O_TRUNC and has {status.Length} bytes: a CkptFS file is written once, front to back (open it with O_TRUNC to replace it, or write a new file and rename it over this one)",
                });
                return 0;
            }
            handle = _handles.Add(OpenWriter(path, remote, overwrite: true));
            return 0;
        });
        info.Handle = handle;
        info.KeepCache = keepCache;
        return errno;
    }

    public int Create(string path, uint mode, ref FuseOpenInfo info)
    {
        ulong handle = 0;
        var errno = Run("create", path, () =>
        {
            RequireWritable("create", path);
            RequireNotCommitted("create", path);
            handle = _handles.Add(OpenWriter(path, _paths.ToRemote(path), overwrite: false));
            return 0;
        });
        info.Handle = handle;
        return errno;
    }

    public int Read(string path, Span<byte> buffer, long offset, ulong fh) =>
        _handles.Get<ReadHandle>(fh) is { } reader ? reader.Read(buffer, offset) : -Errno.EBADF;

    public int Write(string path, ReadOnlySpan<byte> data, long offset, ulong fh)
    {
        if (_handles.Get<WriteHandle>(fh) is not { } writer)
        {
            if (_handles.Get<ReadHandle>(fh) is { WriteRefusal: { } refusal })
            {
                _logger.LogInformation("write {Path} at offset {Offset}: {Reason} (errno {Errno}).", path, offset, refusal, Errno.EOPNOTSUPP);
                return -Errno.EOPNOTSUPP;
            }
            return -Errno.EBADF;
        }
        var result = writer.Write(data, offset);
        return result < 0 ? result : data.Length;
    }

    public int Flush(string path, ulong fh)
    {
        if (_handles.Get<WriteHandle>(fh) is not { } writer)
        {
            return 0;
        }
        var caller = LibFuse.CallerThreadId;
        if (ClosingProcess.HoldsOtherDescriptor(caller, LocalPath(path)))
        {
            return writer.Sync();   // not its last descriptor: the bytes so far become durable and visible, the file stays open
        }
        var result = writer.Close(caller);
        _attributes.Forget(_paths.ToRemote(path));
        return result;
    }

    public int Release(string path, ulong fh)
    {
        _handles.Remove(fh)?.Release();
        return 0;
    }

    public int Fsync(string path, bool dataOnly, ulong fh) =>
        _handles.Get<WriteHandle>(fh) is { } writer ? writer.Sync() : 0;

    public int Truncate(string path, long size, ulong fh) => Run("truncate", path, () =>
    {
        RequireWritable("truncate", path);
        if ((_handles.Get<WriteHandle>(fh) ?? _handles.WriterOf(path)) is { } writer)
        {
            return writer.Truncate(size);
        }
        var remote = _paths.ToRemote(path);
        var status = Status(remote);
        if (status.Type == FileType.Directory)
        {
            return -Errno.EISDIR;
        }
        if ((ulong)size == status.Length)
        {
            return 0;
        }
        if (size != 0)
        {
            throw new MountRefusal(Errno.EOPNOTSUPP, $"truncating a closed file of {status.Length} bytes to {size}: a CkptFS file can only be emptied (size 0) or replaced");
        }
        RequireNotCommitted("truncate", path);
        _client.CreateEmptyFileAsync(remote, overwrite: true).GetAwaiter().GetResult();
        _attributes.Forget(remote);
        return 0;
    });

    /// <summary>The path as programs see it: under the local mountpoint.</summary>
    private string LocalPath(string path) => _options.Mountpoint.TrimEnd('/') + path;

    /// <summary>One CkptFS writer for the file: a checkpoint shard under JOB/.pending/step-N, else a plain file.</summary>
    private WriteHandle OpenWriter(string path, string remote, bool overwrite)
    {
        var writer = _paths.AsPendingShard(path) is { } shard
            ? FileWriter.CreateShardAsync(_client, shard.Job, shard.Step, shard.ShardPath, CancellationToken.None).GetAwaiter().GetResult()
            : FileWriter.CreatePlainAsync(_client, remote, overwrite, CancellationToken.None).GetAwaiter().GetResult();
        _attributes.Forget(remote);
        _logger.LogDebug("Opened {Path} for write.", path);
        return new WriteHandle(path, remote, writer, _options, _logger, file => _client.DeleteAsync(file));
    }
}
