using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace CkptFS.Mount.Native;

/// <summary>
/// The fuse_operations table: one [UnmanagedCallersOnly] entry per kernel call, each translating
/// native arguments to managed ones and calling the <see cref="IFuseFileSystem"/> the mount was
/// made for (found through the context's private data). Nothing may escape into native code: an
/// exception becomes -EIO (and is reported to the host's logger).
/// </summary>
internal static unsafe class FuseCallbacks
{
    private const int EIO = 5;
    private const int ERANGE = 34;

    /// <summary>A zeroed fuse_operations table (42 slots), owned by the caller (NativeMemory.Free).</summary>
    public static IntPtr* CreateTable()
    {
        var table = (IntPtr*)NativeMemory.AllocZeroed(LibFuse.OperationsSize);
        table[0] = (IntPtr)(delegate* unmanaged<byte*, NativeStat*, NativeFileInfo*, int>)&GetAttr;
        table[1] = (IntPtr)(delegate* unmanaged<byte*, byte*, nuint, int>)&ReadLink;
        table[2] = (IntPtr)(delegate* unmanaged<byte*, uint, ulong, int>)&Mknod;
        table[3] = (IntPtr)(delegate* unmanaged<byte*, uint, int>)&Mkdir;
        table[4] = (IntPtr)(delegate* unmanaged<byte*, int>)&Unlink;
        table[5] = (IntPtr)(delegate* unmanaged<byte*, int>)&Rmdir;
        table[6] = (IntPtr)(delegate* unmanaged<byte*, byte*, int>)&Symlink;
        table[7] = (IntPtr)(delegate* unmanaged<byte*, byte*, uint, int>)&Rename;
        table[8] = (IntPtr)(delegate* unmanaged<byte*, byte*, int>)&Link;
        table[9] = (IntPtr)(delegate* unmanaged<byte*, uint, NativeFileInfo*, int>)&Chmod;
        table[10] = (IntPtr)(delegate* unmanaged<byte*, uint, uint, NativeFileInfo*, int>)&Chown;
        table[11] = (IntPtr)(delegate* unmanaged<byte*, long, NativeFileInfo*, int>)&Truncate;
        table[12] = (IntPtr)(delegate* unmanaged<byte*, NativeFileInfo*, int>)&Open;
        table[13] = (IntPtr)(delegate* unmanaged<byte*, byte*, nuint, long, NativeFileInfo*, int>)&Read;
        table[14] = (IntPtr)(delegate* unmanaged<byte*, byte*, nuint, long, NativeFileInfo*, int>)&Write;
        table[15] = (IntPtr)(delegate* unmanaged<byte*, NativeStatVfs*, int>)&StatFs;
        table[16] = (IntPtr)(delegate* unmanaged<byte*, NativeFileInfo*, int>)&Flush;
        table[17] = (IntPtr)(delegate* unmanaged<byte*, NativeFileInfo*, int>)&Release;
        table[18] = (IntPtr)(delegate* unmanaged<byte*, int, NativeFileInfo*, int>)&Fsync;
        table[23] = (IntPtr)(delegate* unmanaged<byte*, NativeFileInfo*, int>)&OpenDir;
        table[24] = (IntPtr)(delegate* unmanaged<byte*, void*, IntPtr, long, NativeFileInfo*, int, int>)&ReadDir;
        table[25] = (IntPtr)(delegate* unmanaged<byte*, NativeFileInfo*, int>)&ReleaseDir;
        table[27] = (IntPtr)(delegate* unmanaged<NativeConnInfo*, NativeConfig*, IntPtr>)&Init;
        table[29] = (IntPtr)(delegate* unmanaged<byte*, int, int>)&Access;
        table[30] = (IntPtr)(delegate* unmanaged<byte*, uint, NativeFileInfo*, int>)&Create;
        table[32] = (IntPtr)(delegate* unmanaged<byte*, NativeTimespec*, NativeFileInfo*, int>)&Utimens;
        return table;
    }

    [UnmanagedCallersOnly]
    private static IntPtr Init(NativeConnInfo* connection, NativeConfig* config)
    {
        var data = LibFuse.PrivateData;
        try
        {
            var host = Host(data);
            host.Negotiate(ref *connection, ref *config);
            host.FileSystem.Initialized();
        }
        catch (Exception e)
        {
            Report(data, "init", e);
        }
        return data;   // becomes private_data for every later call
    }

    [UnmanagedCallersOnly]
    private static int GetAttr(byte* path, NativeStat* stat, NativeFileInfo* info)
    {
        try
        {
            var result = Fs().GetAttr(Text(path), info == null ? 0 : info->Handle, out var attributes);
            if (result == 0)
            {
                Fill(stat, attributes);
            }
            return result;
        }
        catch (Exception e)
        {
            return Fail("getattr", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int ReadLink(byte* path, byte* buffer, nuint size)
    {
        try
        {
            var result = Fs().ReadLink(Text(path), out var target);
            if (result != 0)
            {
                return result;
            }
            if (size == 0)
            {
                return -ERANGE;
            }
            var span = new Span<byte>(buffer, (int)Math.Min(size, int.MaxValue));
            var written = Encoding.UTF8.GetBytes(target.AsSpan(0, Math.Min(target.Length, span.Length - 1)), span);
            span[Math.Min(written, span.Length - 1)] = 0;   // readlink truncates, as the kernel expects
            return 0;
        }
        catch (Exception e)
        {
            return Fail("readlink", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int Mknod(byte* path, uint mode, ulong device) => Guard("mknod", () => Fs().Mknod(Text(path), mode));

    [UnmanagedCallersOnly]
    private static int Symlink(byte* target, byte* path) => Guard("symlink", () => Fs().Symlink(Text(target), Text(path)));

    [UnmanagedCallersOnly]
    private static int Link(byte* from, byte* to) => Guard("link", () => Fs().Link(Text(from), Text(to)));

    [UnmanagedCallersOnly]
    private static int Mkdir(byte* path, uint mode) => Guard("mkdir", () => Fs().Mkdir(Text(path), mode));

    [UnmanagedCallersOnly]
    private static int Unlink(byte* path) => Guard("unlink", () => Fs().Unlink(Text(path)));

    [UnmanagedCallersOnly]
    private static int Rmdir(byte* path) => Guard("rmdir", () => Fs().Rmdir(Text(path)));

    [UnmanagedCallersOnly]
    private static int Rename(byte* from, byte* to, uint flags) => Guard("rename", () => Fs().Rename(Text(from), Text(to), flags));

    [UnmanagedCallersOnly]
    private static int Chmod(byte* path, uint mode, NativeFileInfo* info) =>
        Guard("chmod", () => Fs().Chmod(Text(path), mode, HandleOf(info)));

    [UnmanagedCallersOnly]
    private static int Chown(byte* path, uint uid, uint gid, NativeFileInfo* info) =>
        Guard("chown", () => Fs().Chown(Text(path), uid, gid, HandleOf(info)));

    [UnmanagedCallersOnly]
    private static int Truncate(byte* path, long size, NativeFileInfo* info) =>
        Guard("truncate", () => Fs().Truncate(Text(path), size, HandleOf(info)));

    [UnmanagedCallersOnly]
    private static int Open(byte* path, NativeFileInfo* info)
    {
        try
        {
            var open = new FuseOpenInfo { Flags = info->Flags };
            var result = Fs().Open(Text(path), ref open);
            SetOpened(info, open);
            return result;
        }
        catch (Exception e)
        {
            return Fail("open", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int Create(byte* path, uint mode, NativeFileInfo* info)
    {
        try
        {
            var open = new FuseOpenInfo { Flags = info->Flags };
            var result = Fs().Create(Text(path), mode, ref open);
            SetOpened(info, open);
            return result;
        }
        catch (Exception e)
        {
            return Fail("create", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int Read(byte* path, byte* buffer, nuint size, long offset, NativeFileInfo* info)
    {
        try
        {
            return Fs().Read(Text(path), new Span<byte>(buffer, (int)Math.Min(size, int.MaxValue)), offset, HandleOf(info));
        }
        catch (Exception e)
        {
            return Fail("read", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int Write(byte* path, byte* buffer, nuint size, long offset, NativeFileInfo* info)
    {
        try
        {
            return Fs().Write(Text(path), new ReadOnlySpan<byte>(buffer, (int)Math.Min(size, int.MaxValue)), offset, HandleOf(info));
        }
        catch (Exception e)
        {
            return Fail("write", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int StatFs(byte* path, NativeStatVfs* native)
    {
        try
        {
            var result = Fs().StatFs(Text(path), out var statFs);
            if (result == 0)
            {
                *native = new NativeStatVfs
                {
                    BlockSize = statFs.BlockSize,
                    FragmentSize = statFs.FragmentSize,
                    Blocks = statFs.Blocks,
                    BlocksFree = statFs.BlocksFree,
                    BlocksAvailable = statFs.BlocksAvailable,
                    Files = statFs.Files,
                    FilesFree = statFs.FilesFree,
                    FilesAvailable = statFs.FilesFree,
                    NameMax = statFs.NameMax,
                };
            }
            return result;
        }
        catch (Exception e)
        {
            return Fail("statfs", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int Flush(byte* path, NativeFileInfo* info) => Guard("flush", () => Fs().Flush(Text(path), HandleOf(info)));

    [UnmanagedCallersOnly]
    private static int Release(byte* path, NativeFileInfo* info) => Guard("release", () => Fs().Release(Text(path), HandleOf(info)));

    [UnmanagedCallersOnly]
    private static int Fsync(byte* path, int dataOnly, NativeFileInfo* info) =>
        Guard("fsync", () => Fs().Fsync(Text(path), dataOnly != 0, HandleOf(info)));

    [UnmanagedCallersOnly]
    private static int OpenDir(byte* path, NativeFileInfo* info)
    {
        try
        {
            var open = new FuseOpenInfo { Flags = info->Flags };
            var result = Fs().OpenDir(Text(path), ref open);
            SetOpened(info, open);
            return result;
        }
        catch (Exception e)
        {
            return Fail("opendir", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int ReadDir(byte* path, void* buffer, IntPtr filler, long offset, NativeFileInfo* info, int flags)
    {
        try
        {
            var add = (delegate* unmanaged<void*, byte*, NativeStat*, long, int, int>)filler;
            var name = new byte[256 * 4];
            return Fs().ReadDir(Text(path), HandleOf(info), offset, (string entry, in FuseAttributes attributes, long next) =>
            {
                var length = Encoding.UTF8.GetBytes(entry, name);
                name[length] = 0;
                var stat = default(NativeStat);
                Fill(&stat, attributes);
                fixed (byte* text = name)
                {
                    return add(buffer, text, &stat, next, 0) == 0;
                }
            });
        }
        catch (Exception e)
        {
            return Fail("readdir", e);
        }
    }

    [UnmanagedCallersOnly]
    private static int ReleaseDir(byte* path, NativeFileInfo* info) => Guard("releasedir", () => Fs().ReleaseDir(Text(path), HandleOf(info)));

    [UnmanagedCallersOnly]
    private static int Access(byte* path, int mask) => Guard("access", () => Fs().Access(Text(path), mask));

    [UnmanagedCallersOnly]
    private static int Utimens(byte* path, NativeTimespec* times, NativeFileInfo* info)
    {
        try
        {
            DateTimeOffset? accessed = times == null ? DateTimeOffset.UtcNow : times[0].ToTime();
            DateTimeOffset? modified = times == null ? DateTimeOffset.UtcNow : times[1].ToTime();
            return Fs().Utimens(Text(path), accessed, modified, HandleOf(info));
        }
        catch (Exception e)
        {
            return Fail("utimens", e);
        }
    }

    private static void Fill(NativeStat* stat, in FuseAttributes attributes)
    {
        *stat = new NativeStat
        {
            Inode = attributes.Inode,
            LinkCount = attributes.LinkCount,
            Mode = attributes.Mode,
            Uid = attributes.Uid,
            Gid = attributes.Gid,
            Size = attributes.Size,
            BlockSize = attributes.BlockSize,
            Blocks = attributes.Blocks,
            AccessTime = NativeTimespec.From(attributes.AccessTime),
            ModificationTime = NativeTimespec.From(attributes.ModificationTime),
            ChangeTime = NativeTimespec.From(attributes.ChangeTime),
        };
    }

    private static void SetOpened(NativeFileInfo* info, in FuseOpenInfo open)
    {
        info->Handle = open.Handle;
        var bits = info->Bits & ~(NativeFileInfo.KeepCacheBit | NativeFileInfo.DirectIoBit | NativeFileInfo.CacheReaddirBit);
        if (open.KeepCache)
        {
            bits |= NativeFileInfo.KeepCacheBit;
        }
        if (open.DirectIo)
        {
            bits |= NativeFileInfo.DirectIoBit;
        }
        if (open.CacheDirectory)
        {
            bits |= NativeFileInfo.CacheReaddirBit;
        }
        info->Bits = bits;
    }

    private static ulong HandleOf(NativeFileInfo* info) => info == null ? 0 : info->Handle;

    private static string Text(byte* path) => Marshal.PtrToStringUTF8((IntPtr)path) ?? string.Empty;

    private static FuseHost Host(IntPtr data) =>
        GCHandle.FromIntPtr(data).Target as FuseHost ?? throw new InvalidOperationException("The mount's host is gone.");

    private static IFuseFileSystem Fs() => Host(LibFuse.PrivateData).FileSystem;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Guard(string call, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            return Fail(call, e);
        }
    }

    private static int Fail(string call, Exception e)
    {
        Report(LibFuse.PrivateData, call, e);
        return -EIO;
    }

    private static void Report(IntPtr data, string call, Exception e)
    {
        try
        {
            if (data != IntPtr.Zero && GCHandle.FromIntPtr(data).Target is FuseHost host)
            {
                host.ReportFailure(call, e);
            }
        }
        catch
        {
            // Nothing may escape into libfuse; the errno already says the call failed.
        }
    }
}
