using System.Runtime.CompilerServices;
using CkptFS.Mount.Native;
using Xunit;

namespace CkptFS.Mount.Tests;

/// <summary>The native glue's pure parts: struct layouts as libfuse 3.14 and glibc have them, times, mountinfo.</summary>
public sealed class NativeTests
{
    [Fact]
    public void Structs_have_the_sizes_of_the_native_headers()
    {
        // From offsetof/sizeof against /usr/include/fuse3 and glibc on x86_64 (../shared/notes/fuse.md).
        Assert.Equal(144, Unsafe.SizeOf<NativeStat>());
        Assert.Equal(112, Unsafe.SizeOf<NativeStatVfs>());
        Assert.Equal(40, Unsafe.SizeOf<NativeFileInfo>());
        Assert.Equal(128, Unsafe.SizeOf<NativeConnInfo>());
        Assert.Equal(128, Unsafe.SizeOf<NativeConfig>());
        Assert.Equal(24, Unsafe.SizeOf<NativeArgs>());
        Assert.Equal(16, Unsafe.SizeOf<NativeTimespec>());
        Assert.Equal(336, LibFuse.OperationsSize);
    }

    [Fact]
    public void Timespec_round_trips_to_the_100_ns_tick_and_knows_now_and_omit()
    {
        var time = new DateTimeOffset(2026, 12, 4, 14, 30, 5, TimeSpan.Zero).AddTicks(1234567);
        var native = NativeTimespec.From(time);
        Assert.Equal(time.ToUnixTimeSeconds(), native.Seconds);
        Assert.Equal(123456700, native.Nanoseconds);
        Assert.Equal(time, native.ToTime());
        Assert.Null(new NativeTimespec { Nanoseconds = NativeTimespec.Omit }.ToTime());
        var now = new NativeTimespec { Nanoseconds = NativeTimespec.Now }.ToTime();
        Assert.InRange(now!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public void Mountinfo_lines_give_device_mountpoint_type_and_source()
    {
        var entries = KernelMounts.Parse(
        [
            "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
            "512 30 0:57 / /tmp/my\\040mount rw,nosuid,nodev,relatime shared:300 - fuse.ckptfs ckptfs:127.0.0.1:8020 rw,user_id=0,group_id=0",
            "garbage",
            "1 2 0:1 / /tmp/caf\\303\\251 rw - tmpfs tmpfs rw",
        ]);
        Assert.Equal(3, entries.Count);
        Assert.Equal(new KernelMounts.Entry(98, 0, "/mnt2", "ext3", "/dev/root"), entries[0]);
        Assert.Equal(new KernelMounts.Entry(0, 57, "/tmp/my mount", KernelMounts.FileSystemType, "ckptfs:127.0.0.1:8020"), entries[1]);
        Assert.Equal("/tmp/café", entries[2].Mountpoint);
    }

    [Fact]
    public void Host_options_out_of_range_are_refused_by_name()
    {
        Assert.Contains("MaxThreads", Assert.Throws<ArgumentException>(() => new FuseHostOptions { MaxThreads = 0 }.Validate()).Message);
        Assert.Contains("FsName", Assert.Throws<ArgumentException>(() => new FuseHostOptions { FsName = "a,b" }.Validate()).Message);
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => new FuseHostOptions { AttributeTimeout = TimeSpan.FromSeconds(-1) }.Validate()).Message);
        new FuseHostOptions().Validate();
    }

    [Fact]
    public void A_missing_mountpoint_is_refused_with_what_to_do()
    {
        var missing = Path.Combine(Path.GetTempPath(), "ckptfs-no-such-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<MountException>(() => FuseHost.Mount(null!, missing, new FuseHostOptions(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        Assert.Contains("mkdir -p", error.Message);
    }
}
