using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CkptFS.Storage.Files;

/// <summary>
/// Linux page-cache writeback of a file range (sync_file_range) and dropping it from the cache
/// (posix_fadvise DONTNEED). Neither makes data durable (no metadata, no disk cache flush: fsync still
/// does that); they only move the flushing earlier, so that a final fsync has little left to write.
/// Elsewhere, or where the kernel refuses (ENOSYS, a file system without it), they do nothing and say so.
/// </summary>
public static partial class Writeback
{
    private const string Library = "libc.so.6";

    private const uint WaitBefore = 1;   // SYNC_FILE_RANGE_WAIT_BEFORE
    private const uint Write = 2;        // SYNC_FILE_RANGE_WRITE
    private const uint WaitAfter = 4;    // SYNC_FILE_RANGE_WAIT_AFTER
    private const int WillNeed = 3;      // POSIX_FADV_WILLNEED
    private const int DontNeed = 4;      // POSIX_FADV_DONTNEED

    private static readonly bool Supported = OperatingSystem.IsLinux();

    /// <summary>Starts writeback of the range's dirty pages without waiting for it. False when not supported.</summary>
    public static bool Start(SafeFileHandle file, long offset, long length) => SyncRange(file, offset, length, Write);

    /// <summary>Writes the range back and waits until it is on its way to the disk. False when not supported.</summary>
    public static bool WriteAndWait(SafeFileHandle file, long offset, long length) => SyncRange(file, offset, length, WaitBefore | Write | WaitAfter);

    /// <summary>Drops the range's clean pages from the page cache (a hint; false when not supported or refused).</summary>
    public static bool DropFromCache(SafeFileHandle file, long offset, long length) => Advise(file, offset, length, DontNeed);

    /// <summary>
    /// Starts reading the range into the page cache without waiting (read-ahead for a reader that will
    /// get there soon, as HDFS's dfs.datanode.readahead.bytes; a hint, false when not supported or refused).
    /// </summary>
    public static bool Prefetch(SafeFileHandle file, long offset, long length) => Advise(file, offset, length, WillNeed);

    private static bool Advise(SafeFileHandle file, long offset, long length, int advice)
    {
        if (!Supported)
        {
            return false;
        }
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            return PosixFadvise(file.DangerousGetHandle().ToInt32(), offset, length, advice) == 0;
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    private static bool SyncRange(SafeFileHandle file, long offset, long length, uint flags)
    {
        if (!Supported)
        {
            return false;
        }
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            int result;
            do
            {
                result = SyncFileRange(file.DangerousGetHandle().ToInt32(), offset, length, flags);
            }
            while (result != 0 && Marshal.GetLastPInvokeError() == LibC.ErrorInterrupted);
            return result == 0;
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    [LibraryImport(Library, EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int fileDescriptor, long offset, long length, uint flags);

    /// <summary>Returns the error number itself (not through errno).</summary>
    [LibraryImport(Library, EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fileDescriptor, long offset, long length, int advice);
}
