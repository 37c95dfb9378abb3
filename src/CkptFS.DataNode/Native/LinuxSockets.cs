using System.Runtime.InteropServices;

namespace CkptFS.DataNode.Native;

/// <summary>
/// The libc calls behind zero-copy block reads (see Transfer/SocketFileSender): sendfile(2) moves
/// bytes from a file's page cache to a socket inside the kernel, send(2) with MSG_MORE lets the small
/// packet header ride in the same TCP segment as the data after it, poll(2) waits out EAGAIN on the
/// non-blocking socket .NET hands us. Errors come back through errno (SetLastError).
/// </summary>
internal static partial class LinuxSockets
{
    /// <summary>glibc's soname: plain "libc" would resolve to libc.so, which on Debian is a linker script.</summary>
    private const string Library = "libc.so.6";

    public const int ErrorInterrupted = 4;   // EINTR
    public const int ErrorWouldBlock = 11;   // EAGAIN == EWOULDBLOCK on Linux

    /// <summary>MSG_MORE: more data follows; the kernel holds a partial segment back for it.</summary>
    public const int MessageMore = 0x8000;

    /// <summary>MSG_NOSIGNAL: a peer that hung up is EPIPE, not SIGPIPE.</summary>
    public const int MessageNoSignal = 0x4000;

    /// <summary>POLLOUT: writable.</summary>
    public const short PollOut = 0x004;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Library, EntryPoint = "sendfile64", SetLastError = true)]
    public static partial nint SendFile(int outFd, int inFd, ref long offset, nuint count);

    [LibraryImport(Library, EntryPoint = "send", SetLastError = true)]
    public static unsafe partial nint Send(int socketFd, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);
}
