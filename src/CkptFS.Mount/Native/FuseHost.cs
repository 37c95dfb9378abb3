using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace CkptFS.Mount.Native;

/// <summary>
/// One kernel mount of an <see cref="IFuseFileSystem"/> through libfuse 3's high-level API:
/// <see cref="Mount"/> (fuse_new, fuse_mount), <see cref="Run"/> (fuse_loop_mt on libfuse's threads
/// until the mount goes), <see cref="RequestUnmount"/> (from any thread: a signal handler, a test),
/// <see cref="Dispose"/> (fuse_unmount if still mounted, fuse_destroy, native memory freed).
/// The loop ends when the kernel ends the connection, so an unmount from outside
/// (`fusermount3 -u`, `ckptfs unmount`) stops it the same way.
/// </summary>
public sealed class FuseHost : IDisposable
{
    /// <summary>After a lazy unmount, how long open files may keep the connection before it is aborted.</summary>
    private static readonly TimeSpan LazyUnmountGrace = TimeSpan.FromSeconds(5);

    private readonly string _mountpoint;
    private readonly FuseHostOptions _options;
    private readonly ILogger _logger;
    private readonly GCHandle _self;
    private unsafe IntPtr* _operations;
    private IntPtr _fuse;
    private KernelMounts.Entry? _kernelMount;
    private int _running;
    private int _unmountRequested;
    private int _disposed;

    private FuseHost(IFuseFileSystem fileSystem, string mountpoint, FuseHostOptions options, ILogger logger)
    {
        FileSystem = fileSystem;
        _mountpoint = mountpoint;
        _options = options;
        _logger = logger;
        _self = GCHandle.Alloc(this);
    }

    internal IFuseFileSystem FileSystem { get; }

    /// <summary>The absolute path mounted on.</summary>
    public string Mountpoint => _mountpoint;

    /// <summary>
    /// Mounts <paramref name="fileSystem"/> at <paramref name="mountpoint"/>; the kernel's calls are
    /// served once <see cref="Run"/> is called. Throws <see cref="MountException"/> saying what to do
    /// when the mount cannot be made (no libfuse, no /dev/fuse, a dead or existing mount, not a folder).
    /// </summary>
    public static FuseHost Mount(IFuseFileSystem fileSystem, string mountpoint, FuseHostOptions options, ILogger logger)
    {
        options.Validate();
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            throw new MountException($"The CkptFS mount runs on Linux x86_64 only (this is {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}).");
        }
        var folder = Path.GetFullPath(mountpoint);
        CheckMountpoint(folder);
        var host = new FuseHost(fileSystem, folder, options, logger);
        try
        {
            host.Create();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Serves kernel calls until the mount goes; returns libfuse's status (0: unmounted cleanly).</summary>
    public int Run()
    {
        ObjectDisposedException.ThrowIf(_disposed == 1, this);
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The mount is already being served.");
        }
        var config = LibFuse.fuse_loop_cfg_create();
        try
        {
            LibFuse.fuse_loop_cfg_set_max_threads(config, (uint)_options.MaxThreads);
            LibFuse.fuse_loop_cfg_set_idle_threads(config, (uint)Math.Min(_options.MaxThreads, 10));
            if (_options.ReadAheadKiB > 0)
            {
                _ = Task.Run(SetReadAhead);
            }
            var status = LibFuse.fuse_loop_mt(_fuse, config);
            _logger.LogDebug("The FUSE loop for {Mountpoint} ended with {Status}.", _mountpoint, status);
            return status;
        }
        finally
        {
            LibFuse.fuse_loop_cfg_destroy(config);
            LibFuse.fuse_unmount(_fuse);   // no-op when the kernel mount is already gone
        }
    }

    /// <summary>
    /// Unmounts (from any thread), so that <see cref="Run"/> returns: a normal unmount, else a lazy
    /// one when busy; if open files then keep the connection past a short grace, it is aborted (their
    /// calls fail with ENOTCONN). Returns at once; the loop's end is <see cref="Run"/> returning.
    /// </summary>
    public void RequestUnmount()
    {
        if (Interlocked.Exchange(ref _unmountRequested, 1) == 1 || _disposed == 1)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                var unmount = await Fusermount.UnmountAsync(_mountpoint, lazy: false);
                if (unmount.Succeeded || !KernelMounts.IsCkptFs(_mountpoint))
                {
                    return;
                }
                _logger.LogWarning("{Mountpoint} is busy ({Output}): detaching it now; open files have {Seconds} s before the connection is aborted.",
                    _mountpoint, unmount.Output, LazyUnmountGrace.TotalSeconds);
                await Fusermount.UnmountAsync(_mountpoint, lazy: true);
                var stopwatch = Stopwatch.StartNew();
                while (_running == 1 && _disposed == 0 && stopwatch.Elapsed < LazyUnmountGrace)
                {
                    await Task.Delay(100);
                }
                if (_running == 1 && _disposed == 0 && _kernelMount is { } mount)
                {
                    _logger.LogWarning("Aborting the FUSE connection of {Mountpoint}: files were still open.", _mountpoint);
                    if (!KernelMounts.TryAbort(mount))
                    {
                        _logger.LogError("Could not abort the FUSE connection of {Mountpoint} (fusectl is not mounted at /sys/fs/fuse/connections and could not be): this process ends once the last file open there is closed.",
                            _mountpoint);
                    }
                }
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Unmounting {Mountpoint} failed; unmount it with 'ckptfs unmount --lazy {Mountpoint}'.", _mountpoint, _mountpoint);
            }
        });
    }

    public unsafe void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        if (_fuse != IntPtr.Zero)
        {
            if (_running == 0)
            {
                LibFuse.fuse_unmount(_fuse);
            }
            LibFuse.fuse_destroy(_fuse);
            _fuse = IntPtr.Zero;
        }
        if (_operations != null)
        {
            NativeMemory.Free(_operations);
            _operations = null;
        }
        if (_self.IsAllocated)
        {
            _self.Free();
        }
    }

    /// <summary>INIT from the kernel (on a libfuse thread): what this mount asks of the connection.</summary>
    internal void Negotiate(ref NativeConnInfo connection, ref NativeConfig config)
    {
        config.UseInode = 1;     // st_ino from CkptFS's inode ids
        config.HardRemove = 1;   // unlink of an open file removes it (no .fuse_hidden renames)
        config.AttributeTimeout = _options.AttributeTimeout.TotalSeconds;
        config.EntryTimeout = _options.EntryTimeout.TotalSeconds;
        config.NegativeTimeout = _options.NegativeTimeout.TotalSeconds;
        const uint AsyncRead = 0x1;
        const uint ParallelDirops = 0x40000;
        // Reads of one file arrive in order, one at a time: the SDK streams a block from one DataNode
        // connection, which runs ahead on its own; out-of-order read-ahead would make it reconnect.
        connection.Want = (connection.Want | (connection.Capable & ParallelDirops)) & ~AsyncRead;
        connection.MaxBackground = 64;   // read-ahead requests in flight: several MiB for sequential readers
        _logger.LogDebug("FUSE protocol {Major}.{Minor}: max_write {MaxWrite}, max_read {MaxRead}.",
            connection.ProtocolMajor, connection.ProtocolMinor, connection.MaxWrite, connection.MaxRead);
    }

    /// <summary>An exception a callback let escape (answered EIO).</summary>
    internal void ReportFailure(string call, Exception exception) =>
        _logger.LogError(exception, "FUSE {Call} on {Mountpoint} failed unexpectedly (answered EIO).", call, _mountpoint);

    private unsafe void Create()
    {
        _operations = FuseCallbacks.CreateTable();
        var arguments = new[] { "ckptfs", "-o", string.Join(',', MountArguments()) };
        var native = arguments.Select(a => Marshal.StringToCoTaskMemUTF8(a)).ToArray();
        var argv = (byte**)NativeMemory.AllocZeroed((nuint)(native.Length + 1), (nuint)sizeof(IntPtr));
        try
        {
            for (var i = 0; i < native.Length; i++)
            {
                argv[i] = (byte*)native[i];
            }
            var args = new NativeArgs { Count = native.Length, Values = argv, Allocated = 0 };
            try
            {
                _fuse = LibFuse.fuse_new(&args, _operations, LibFuse.OperationsSize, GCHandle.ToIntPtr(_self));
            }
            catch (DllNotFoundException e)
            {
                throw new MountException("libfuse3.so.3 is not installed (Debian: apt-get install fuse3).", e);
            }
            LibFuse.fuse_opt_free_args(&args);   // frees only what option parsing allocated
        }
        finally
        {
            NativeMemory.Free(argv);
            foreach (var pointer in native)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
        if (_fuse == IntPtr.Zero)
        {
            throw new MountException($"libfuse refused the mount options ({arguments[2]}); see the message above.");
        }
        if (LibFuse.fuse_mount(_fuse, _mountpoint) != 0)
        {
            throw new MountException(File.Exists("/dev/fuse")
                ? $"Cannot mount on {_mountpoint} (see libfuse's message above). Without root, fusermount3 must be installed and allow_other needs user_allow_other in /etc/fuse.conf."
                : "Cannot mount: /dev/fuse does not exist (load the fuse module; in a container, pass --device /dev/fuse and add SYS_ADMIN).");
        }
        _kernelMount = KernelMounts.At(_mountpoint);
        _logger.LogInformation("Mounted {Source} on {Mountpoint}.", _options.FsName, _mountpoint);
    }

    private IEnumerable<string> MountArguments()
    {
        yield return $"fsname={_options.FsName}";
        yield return "subtype=ckptfs";
        if (_options.ReadOnly)
        {
            yield return "ro";
        }
        if (_options.AllowOther)
        {
            yield return "allow_other";
            yield return "default_permissions";   // other users: the kernel checks modes and owners
        }
    }

    /// <summary>
    /// Read-ahead beyond the kernel's 128 KiB default is set on the mount's backing device once INIT
    /// is done (INIT can only lower it): the first stat of the mountpoint waits for INIT.
    /// </summary>
    private void SetReadAhead()
    {
        try
        {
            _ = Directory.GetLastWriteTimeUtc(_mountpoint);
            if (_kernelMount is { } mount && !KernelMounts.TrySetReadAhead(mount, _options.ReadAheadKiB))
            {
                _logger.LogInformation("Could not set the read-ahead of {Mountpoint} to {KiB} KiB (needs root); the kernel's default applies.", _mountpoint, _options.ReadAheadKiB);
            }
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "Setting the read-ahead of {Mountpoint} failed.", _mountpoint);
        }
    }

    private static void CheckMountpoint(string folder)
    {
        try
        {
            if (!File.GetAttributes(folder).HasFlag(FileAttributes.Directory))
            {
                throw new MountException($"Cannot mount on {folder}: it is not a folder.");
            }
        }
        catch (FileNotFoundException)
        {
            throw new MountException($"Cannot mount on {folder}: it does not exist (create it with 'mkdir -p {folder}').");
        }
        catch (DirectoryNotFoundException)
        {
            throw new MountException($"Cannot mount on {folder}: it does not exist (create it with 'mkdir -p {folder}').");
        }
        catch (IOException e)
        {
            throw new MountException($"Cannot mount on {folder}: {e.Message}. If an earlier mount's process died, clear it with 'ckptfs unmount {folder}'.", e);
        }
        if (KernelMounts.IsCkptFs(folder))
        {
            throw new MountException($"{folder} is already a CkptFS mount (unmount it first: 'ckptfs unmount {folder}').");
        }
    }
}
