using System.Runtime.InteropServices;

namespace CkptFS.Mount.Native;

// Layouts of libfuse 3.14 and glibc on x86_64, checked with offsetof against the installed headers
// (see ../shared/notes/fuse.md). Other architectures differ (struct stat on aarch64): FuseHost
// refuses to mount on them rather than corrupt memory.

/// <summary>struct stat (144 bytes): nlink before mode on x86_64.</summary>
[StructLayout(LayoutKind.Explicit, Size = 144)]
internal struct NativeStat
{
    [FieldOffset(8)] public ulong Inode;
    [FieldOffset(16)] public ulong LinkCount;
    [FieldOffset(24)] public uint Mode;
    [FieldOffset(28)] public uint Uid;
    [FieldOffset(32)] public uint Gid;
    [FieldOffset(48)] public long Size;
    [FieldOffset(56)] public long BlockSize;
    [FieldOffset(64)] public long Blocks;
    [FieldOffset(72)] public NativeTimespec AccessTime;
    [FieldOffset(88)] public NativeTimespec ModificationTime;
    [FieldOffset(104)] public NativeTimespec ChangeTime;
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeTimespec
{
    public const long Now = (1L << 30) - 1;   // UTIME_NOW
    public const long Omit = (1L << 30) - 2;  // UTIME_OMIT

    public long Seconds;
    public long Nanoseconds;

    public static NativeTimespec From(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return new NativeTimespec { Seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest), Nanoseconds = rest * 100 };
    }

    /// <summary>Null for UTIME_OMIT; the current time for UTIME_NOW.</summary>
    public readonly DateTimeOffset? ToTime() => Nanoseconds switch
    {
        Omit => null,
        Now => DateTimeOffset.UtcNow,
        _ => DateTimeOffset.UnixEpoch.AddTicks(Seconds * TimeSpan.TicksPerSecond + Nanoseconds / 100),
    };
}

/// <summary>struct statvfs (112 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 112)]
internal struct NativeStatVfs
{
    [FieldOffset(0)] public ulong BlockSize;
    [FieldOffset(8)] public ulong FragmentSize;
    [FieldOffset(16)] public ulong Blocks;
    [FieldOffset(24)] public ulong BlocksFree;
    [FieldOffset(32)] public ulong BlocksAvailable;
    [FieldOffset(40)] public ulong Files;
    [FieldOffset(48)] public ulong FilesFree;
    [FieldOffset(56)] public ulong FilesAvailable;
    [FieldOffset(80)] public ulong NameMax;
}

/// <summary>struct fuse_file_info (40 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal struct NativeFileInfo
{
    public const uint DirectIoBit = 0x2;
    public const uint KeepCacheBit = 0x4;
    public const uint CacheReaddirBit = 0x40;

    [FieldOffset(0)] public int Flags;
    [FieldOffset(4)] public uint Bits;
    [FieldOffset(16)] public ulong Handle;
}

/// <summary>struct fuse_conn_info (128 bytes): what INIT negotiated, some of it settable in init().</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct NativeConnInfo
{
    [FieldOffset(0)] public uint ProtocolMajor;
    [FieldOffset(4)] public uint ProtocolMinor;
    [FieldOffset(8)] public uint MaxWrite;
    [FieldOffset(12)] public uint MaxRead;
    [FieldOffset(16)] public uint MaxReadahead;
    [FieldOffset(20)] public uint Capable;
    [FieldOffset(24)] public uint Want;
    [FieldOffset(28)] public uint MaxBackground;
}

/// <summary>struct fuse_args (24 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeArgs
{
    public int Count;
    public byte** Values;
    public int Allocated;
}

/// <summary>struct fuse_config (128 bytes): the high-level library's settings, set in init().</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct NativeConfig
{
    [FieldOffset(24)] public double EntryTimeout;
    [FieldOffset(32)] public double NegativeTimeout;
    [FieldOffset(40)] public double AttributeTimeout;
    [FieldOffset(60)] public int HardRemove;
    [FieldOffset(64)] public int UseInode;
    [FieldOffset(104)] public int NullPathOk;
}
