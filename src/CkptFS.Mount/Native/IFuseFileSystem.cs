namespace CkptFS.Mount.Native;

/// <summary>
/// What the native glue calls for each kernel request, in managed types. Every method returns 0 (or
/// a byte count for reads and writes) on success and a negative errno on failure; the glue turns an
/// exception that escapes into -EIO. Calls arrive concurrently on libfuse's threads.
/// <paramref name="fh"/> arguments are the handle the implementation set in <see cref="FuseOpenInfo.Handle"/>
/// (0 when the kernel gave none).
/// </summary>
public interface IFuseFileSystem
{
    /// <summary>After INIT: the kernel connection is up (the glue has set its options).</summary>
    void Initialized();

    int GetAttr(string path, ulong fh, out FuseAttributes attributes);

    int ReadLink(string path, out string target);

    int Mkdir(string path, uint mode);

    int Unlink(string path);

    int Rmdir(string path);

    /// <summary><paramref name="flags"/>: RENAME_NOREPLACE (1), RENAME_EXCHANGE (2).</summary>
    int Rename(string from, string to, uint flags);

    /// <summary>A hard link <paramref name="to"/> of <paramref name="from"/>.</summary>
    int Link(string from, string to);

    /// <summary>A symbolic link at <paramref name="path"/> pointing to <paramref name="target"/>.</summary>
    int Symlink(string target, string path);

    /// <summary>A special file (fifo, socket, device); regular files come through <see cref="Create"/>.</summary>
    int Mknod(string path, uint mode);

    int Chmod(string path, uint mode, ulong fh);

    /// <summary>uint.MaxValue for an id that is not to change.</summary>
    int Chown(string path, uint uid, uint gid, ulong fh);

    int Truncate(string path, long size, ulong fh);

    int Open(string path, ref FuseOpenInfo info);

    int Create(string path, uint mode, ref FuseOpenInfo info);

    /// <summary>Bytes read (0 at the end of the file) or -errno.</summary>
    int Read(string path, Span<byte> buffer, long offset, ulong fh);

    /// <summary>Bytes written (all of <paramref name="data"/>) or -errno.</summary>
    int Write(string path, ReadOnlySpan<byte> data, long offset, ulong fh);

    int StatFs(string path, out FuseStatFs statFs);

    /// <summary>close(2) of one file descriptor of the handle (may come several times).</summary>
    int Flush(string path, ulong fh);

    /// <summary>The last descriptor of the handle is gone; the return value reaches no one.</summary>
    int Release(string path, ulong fh);

    int Fsync(string path, bool dataOnly, ulong fh);

    int OpenDir(string path, ref FuseOpenInfo info);

    /// <summary>
    /// Entries from <paramref name="offset"/> on (0: the start; else a cookie this method gave to
    /// <paramref name="add"/>). Call <paramref name="add"/> until it returns false (the kernel's buffer is full).
    /// </summary>
    int ReadDir(string path, ulong fh, long offset, DirectoryFiller add);

    int ReleaseDir(string path, ulong fh);

    /// <summary><paramref name="mask"/>: F_OK 0, R_OK 4, W_OK 2, X_OK 1.</summary>
    int Access(string path, int mask);

    /// <summary>Null for a time that is to stay (UTIME_OMIT); UTIME_NOW arrives as the current time.</summary>
    int Utimens(string path, DateTimeOffset? accessTime, DateTimeOffset? modificationTime, ulong fh);
}

/// <summary>Adds one directory entry; <paramref name="nextOffset"/> is the cookie that resumes after it. False: the buffer is full.</summary>
public delegate bool DirectoryFiller(string name, in FuseAttributes attributes, long nextOffset);

/// <summary>struct stat, as much of it as CkptFS fills.</summary>
public struct FuseAttributes
{
    public ulong Inode;
    /// <summary>Type and permission bits (S_IFREG | 0644, ...).</summary>
    public uint Mode;
    public uint LinkCount;
    public uint Uid;
    public uint Gid;
    public long Size;
    public int BlockSize;
    /// <summary>512-byte blocks.</summary>
    public long Blocks;
    public DateTimeOffset AccessTime;
    public DateTimeOffset ModificationTime;
    public DateTimeOffset ChangeTime;
}

/// <summary>struct statvfs, as much of it as CkptFS fills.</summary>
public struct FuseStatFs
{
    public ulong BlockSize;
    public ulong FragmentSize;
    public ulong Blocks;
    public ulong BlocksFree;
    public ulong BlocksAvailable;
    public ulong Files;
    public ulong FilesFree;
    public ulong NameMax;
}

/// <summary>The parts of struct fuse_file_info an open, create or opendir reads and sets.</summary>
public struct FuseOpenInfo
{
    /// <summary>In: open(2) flags (O_ACCMODE, O_TRUNC, O_APPEND, ...).</summary>
    public int Flags;
    /// <summary>Out: the handle later calls receive as fh.</summary>
    public ulong Handle;
    /// <summary>Out: keep the page cache of this file from earlier opens (the file has not changed).</summary>
    public bool KeepCache;
    /// <summary>Out: bypass the page cache for this handle.</summary>
    public bool DirectIo;
    /// <summary>Out (opendir): the kernel may cache this directory's entries.</summary>
    public bool CacheDirectory;
}
