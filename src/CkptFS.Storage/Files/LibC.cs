using System.Runtime.InteropServices;

namespace CkptFS.Storage.Files;

/// <summary>
/// The few libc calls .NET does not expose: fsync of a directory (FileStream cannot open one) and a
/// rename(2) that treats files and folders alike. Errors come back through errno (SetLastError).
/// </summary>
internal static partial class LibC
{
    /// <summary>glibc's soname: plain "libc" would resolve to libc.so, which on Debian is a linker script, not a library.</summary>
    private const string Library = "libc.so.6";

    /// <summary>O_RDONLY: fsync needs no write access, and a directory cannot be opened for writing.</summary>
    public const int OpenReadOnly = 0;

    /// <summary>O_CLOEXEC (the same value on x86-64 and arm64): a child process must not inherit the descriptor.</summary>
    public const int OpenCloseOnExec = 0x80000;

    public const int ErrorInterrupted = 4;     // EINTR
    public const int ErrorNoSpace = 28;        // ENOSPC
    public const int ErrorQuotaExceeded = 122; // EDQUOT

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fileDescriptor);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fileDescriptor);

    [LibraryImport(Library, EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Rename(string from, string to);
}
