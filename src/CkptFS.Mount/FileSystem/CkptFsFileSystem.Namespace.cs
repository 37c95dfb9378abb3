using CkptFS.Common;
using CkptFS.Common.Checkpoints;
using CkptFS.Mount.Handles;
using CkptFS.Mount.Native;
using CkptFS.Mount.Paths;
using CkptFS.Protocol.V1;

namespace CkptFS.Mount.FileSystem;

public sealed partial class CkptFsFileSystem
{
    private const uint RenameNoReplace = 1;
    private const uint RenameExchange = 2;

    /// <summary>The readdir cookie of a job directory's `latest` link: after every listed entry.</summary>
    private const long LatestCookie = long.MaxValue - 1;

    public int GetAttr(string path, ulong fh, out FuseAttributes attributes)
    {
        FuseAttributes result = default;
        var errno = Run("getattr", path, () =>
        {
            var writer = _handles.Get<WriteHandle>(fh) ?? _handles.WriterOf(path);
            var remote = _paths.ToRemote(path);
            if (TryStatus(remote) is { } status)
            {
                // The writer's own program sees every byte it wrote; the NameNode knows only what reached the DataNodes.
                result = ToAttributes(status, writer?.IsOpen == true ? writer.Length : null);
                return 0;
            }
            if (LatestTarget(path) is { } target)
            {
                result = LinkAttributes(target.Name, target.Job);
                return 0;
            }
            return -Errno.ENOENT;
        });
        attributes = result;
        return errno;
    }

    public int Mkdir(string path, uint mode) => Run("mkdir", path, () =>
    {
        RequireWritable("mkdir", path);
        RequireNotCommitted("mkdir", path);
        var remote = _paths.ToRemote(path);
        if (TryStatus(remote) is not null)
        {
            return -Errno.EEXIST;
        }
        // A step's folder in JOB/.pending also makes .pending: the commit of the previous step may have
        // removed it while the kernel still remembers it for a second (os.makedirs then skips it).
        var pendingStep = MountPaths.Name(MountPaths.Parent(path)) == CheckpointNames.PendingFolder && MountPaths.StepOf(MountPaths.Name(path)) is not null;
        _client.MkdirsAsync(remote, createParents: pendingStep, permission: mode & 0x1FF).GetAwaiter().GetResult();
        _attributes.Forget(remote);
        return 0;
    });

    public int Link(string from, string to) => Run("link", to, () =>
        throw new MountRefusal(Errno.EOPNOTSUPP, "CkptFS has no hard links (copy the file, or rename it)"));

    public int Symlink(string target, string path) => Run("symlink", path, () =>
        throw new MountRefusal(Errno.EOPNOTSUPP, "CkptFS has no symbolic links (only each job's `latest`, which CkptFS keeps)"));

    public int Mknod(string path, uint mode) => Run("mknod", path, () =>
        throw new MountRefusal(Errno.EOPNOTSUPP, "CkptFS holds regular files and directories only (no fifos, sockets or devices)"));

    public int Unlink(string path) => Run("unlink", path, () =>
    {
        RequireWritable("unlink", path);
        var remote = _paths.ToRemote(path);
        if (TryStatus(remote) is not { } status)
        {
            return LatestTarget(path) is null ? -Errno.ENOENT
                : throw new MountRefusal(Errno.EPERM, $"'{MountPaths.LatestLink}' is kept by CkptFS: it always names the newest intact checkpoint");
        }
        if (status.Type == FileType.Directory)
        {
            return -Errno.EISDIR;
        }
        _client.DeleteAsync(remote).GetAwaiter().GetResult();
        _attributes.Forget(remote);
        return 0;
    });

    public int Rmdir(string path) => Run("rmdir", path, () =>
    {
        RequireWritable("rmdir", path);
        var remote = _paths.ToRemote(path);
        var status = Status(remote);
        if (status.Type != FileType.Directory)
        {
            return -Errno.ENOTDIR;
        }
        try
        {
            _client.DeleteAsync(remote).GetAwaiter().GetResult();
        }
        catch (CkptFsException e) when (e.Code == ErrorCode.DirectoryNotEmpty && OnlyHiddenEntries(remote))
        {
            // A pending step emptied through the mount still holds its shard records, which the mount does not show.
            _client.DeleteAsync(remote, recursive: true).GetAwaiter().GetResult();
        }
        _attributes.ForgetTree(remote);
        return 0;
    });

    public int Rename(string from, string to, uint flags) => Run("rename", $"{from} -> {to}", () =>
    {
        RequireWritable("rename", from);
        if ((flags & RenameExchange) != 0 || (flags & ~(RenameNoReplace | RenameExchange)) != 0)
        {
            throw new MountRefusal(Errno.EOPNOTSUPP, "CkptFS cannot exchange two paths (RENAME_EXCHANGE)");
        }
        if (_paths.AsCommit(from, to) is { } commit)
        {
            return Commit(from, commit);
        }
        var source = _paths.ToRemote(from);
        var target = _paths.ToRemote(to);
        var moving = Status(source);
        if (source == target)
        {
            return 0;
        }
        var overwrite = false;
        if (TryStatus(target) is { } existing)
        {
            if ((flags & RenameNoReplace) != 0)
            {
                return -Errno.EEXIST;
            }
            var movingDirectory = moving.Type == FileType.Directory;
            var existingDirectory = existing.Type == FileType.Directory;
            if (!movingDirectory && existingDirectory)
            {
                return -Errno.EISDIR;
            }
            if (movingDirectory && !existingDirectory)
            {
                return -Errno.ENOTDIR;
            }
            if (existingDirectory)
            {
                // POSIX replaces an empty directory; the NameNode's rename would move the source into it.
                if (existing.ChildrenCount > 0)
                {
                    return -Errno.ENOTEMPTY;
                }
                _client.DeleteAsync(target).GetAwaiter().GetResult();
            }
            else
            {
                overwrite = true;
            }
        }
        _client.RenameAsync(source, target, overwrite).GetAwaiter().GetResult();
        _attributes.ForgetTree(source);
        _attributes.ForgetTree(target);
        _handles.Moved(from, to);
        return 0;
    });

    public int StatFs(string path, out FuseStatFs statFs)
    {
        FuseStatFs result = default;
        var errno = Run("statfs", path, () =>
        {
            var report = _client.GetDatanodeReportAsync().GetAwaiter().GetResult();
            ulong capacity = 0, remaining = 0;
            foreach (var node in report.Datanodes)
            {
                capacity += node.CapacityBytes;
                remaining += node.RemainingBytes;
            }
            const ulong block = PreferredIoBytes;
            result = new FuseStatFs
            {
                BlockSize = block,
                FragmentSize = block,
                Blocks = capacity / block,
                BlocksFree = remaining / block,
                BlocksAvailable = remaining / block,
                Files = 1UL << 32,
                FilesFree = 1UL << 32,
                NameMax = 255,
            };
            return 0;
        });
        statFs = result;
        return errno;
    }

    public int Access(string path, int mask) => Run("access", path, () =>
    {
        const int writeBit = 2;
        var remote = _paths.ToRemote(path);
        if (TryStatus(remote) is null && LatestTarget(path) is null)
        {
            return -Errno.ENOENT;
        }
        return (mask & writeBit) != 0 && _options.ReadOnly ? -Errno.EROFS : 0;
    });

    public int OpenDir(string path, ref FuseOpenInfo info)
    {
        ulong handle = 0;
        var errno = Run("opendir", path, () =>
        {
            var remote = _paths.ToRemote(path);
            if (Status(remote).Type != FileType.Directory)
            {
                return -Errno.ENOTDIR;
            }
            handle = _handles.Add(new DirectoryHandle(path, remote, _client));
            return 0;
        });
        info.Handle = handle;
        return errno;
    }

    public int ReadDir(string path, ulong fh, long offset, DirectoryFiller add) => Run("readdir", path, () =>
    {
        if (offset >= LatestCookie)
        {
            return 0;
        }
        if (_handles.Get<DirectoryHandle>(fh) is not { } directory)
        {
            return -Errno.EBADF;
        }
        // Entries need an inode number other than 0: readdir(3) skips those as deleted.
        var self = new FuseAttributes { Mode = TypeDirectory | 0x1ED, Inode = TryStatus(directory.RemotePath)?.InodeId ?? RootInode };
        if (offset < 1 && !add(".", self, 1))
        {
            return 0;
        }
        var parent = self with { Inode = path == "/" ? self.Inode : TryStatus(_paths.ToRemote(MountPaths.Parent(path)))?.InodeId ?? RootInode };
        if (offset < 2 && !add("..", parent, 2))
        {
            return 0;
        }
        var full = false;
        var pendingStep = IsPendingStep(path);
        directory.Read(Math.Max(offset, 2), (status, cookie) =>
        {
            var name = MountPaths.Name(status.Path);
            directory.SawCheckpoints |= name == CheckpointNames.PendingFolder || MountPaths.StepOf(name) is not null;
            if (pendingStep && name == CheckpointNames.ShardRecordsFolder)
            {
                return true;
            }
            _attributes.Put(status.Path, status);
            var attributes = ToAttributes(status);
            full = !add(name, attributes, cookie);
            return !full;
        });
        // The listing is done: a job directory ends with its `latest` link (cookie past every entry).
        if (!full && directory.SawCheckpoints && LatestTarget(MountPaths.Name(path) == string.Empty ? "/latest" : path.TrimEnd('/') + "/latest") is { } latest
            && TryStatus(_paths.ToRemote(path.TrimEnd('/') + "/" + MountPaths.LatestLink)) is null)
        {
            add(MountPaths.LatestLink, LinkAttributes(latest.Name, latest.Job), LatestCookie);
        }
        return 0;
    });

    public int ReleaseDir(string path, ulong fh)
    {
        _handles.Remove(fh)?.Release();
        return 0;
    }

    /// <summary>A directory whose entries are all ones the mount hides (shard records).</summary>
    private bool OnlyHiddenEntries(string remote)
    {
        var entries = FirstEntries(remote, 2);
        return entries.Count == 1 && MountPaths.Name(entries[0].Path) == CheckpointNames.ShardRecordsFolder;
    }

    private List<FileStatus> FirstEntries(string remote, int count)
    {
        var entries = new List<FileStatus>();
        var listing = _client.ListAsync(remote).GetAsyncEnumerator();
        try
        {
            while (entries.Count < count && listing.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                entries.Add(listing.Current);
            }
        }
        finally
        {
            listing.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return entries;
    }

    private static bool IsPendingStep(string path)
    {
        var parent = MountPaths.Name(MountPaths.Parent(path));
        return parent == CheckpointNames.PendingFolder && MountPaths.StepOf(MountPaths.Name(path)) is not null;
    }
}
