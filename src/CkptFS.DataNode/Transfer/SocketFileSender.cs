using System.Net.Sockets;
using System.Runtime.InteropServices;
using CkptFS.Common;
using CkptFS.DataNode.Native;
using Microsoft.Win32.SafeHandles;

namespace CkptFS.DataNode.Transfer;

/// <summary>
/// Writes to a connected TCP socket with send(2) and sendfile(2), so that block data goes from the
/// replica's page cache to the socket without a copy through user space (HDFS's transferTo). .NET
/// keeps the socket non-blocking, so EAGAIN (a full send buffer) waits in poll(2) for at most the
/// socket timeout. The calls block the calling pool thread while the peer drains, as the copy path's
/// disk reads do. Linux only; elsewhere, or on a stream that is not a plain socket,
/// <see cref="TryCreate"/> returns null and the caller copies.
/// </summary>
internal sealed class SocketFileSender
{
    private readonly Socket _socket;
    private readonly int _timeoutMilliseconds;

    private SocketFileSender(Socket socket, TimeSpan timeout)
    {
        _socket = socket;
        _timeoutMilliseconds = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds);
    }

    public static SocketFileSender? TryCreate(Stream output, TimeSpan timeout) =>
        OperatingSystem.IsLinux() && output is NetworkStream { Socket: { ProtocolType: ProtocolType.Tcp, Connected: true } socket }
            ? new SocketFileSender(socket, timeout)
            : null;

    /// <summary>Sends all of <paramref name="bytes"/>; <paramref name="more"/> holds a partial segment back for the data that follows.</summary>
    public unsafe void Send(ReadOnlySpan<byte> bytes, bool more)
    {
        var flags = LinuxSockets.MessageNoSignal | (more ? LinuxSockets.MessageMore : 0);
        var socketAdded = false;
        _socket.SafeHandle.DangerousAddRef(ref socketAdded);
        try
        {
            var fd = (int)_socket.SafeHandle.DangerousGetHandle();
            fixed (byte* start = bytes)
            {
                var sent = 0;
                while (sent < bytes.Length)
                {
                    var result = LinuxSockets.Send(fd, start + sent, (nuint)(bytes.Length - sent), flags);
                    if (Completed(result, fd, "send"))
                    {
                        sent += (int)result;
                    }
                }
            }
        }
        finally
        {
            Release(_socket.SafeHandle, socketAdded);
        }
    }

    /// <summary>Sends <paramref name="count"/> bytes of <paramref name="file"/> from <paramref name="offset"/>; a file that ends sooner is corrupt.</summary>
    public void SendFile(SafeFileHandle file, long offset, long count, string what)
    {
        bool fileAdded = false, socketAdded = false;
        try
        {
            file.DangerousAddRef(ref fileAdded);
            _socket.SafeHandle.DangerousAddRef(ref socketAdded);
            var inFd = (int)file.DangerousGetHandle();
            var fd = (int)_socket.SafeHandle.DangerousGetHandle();
            var end = offset + count;
            while (offset < end)
            {
                // sendfile advances offset by what it sent.
                var result = LinuxSockets.SendFile(fd, inFd, ref offset, (nuint)(end - offset));
                if (result == 0)
                {
                    throw new CkptFsException(ErrorCode.StorageCorrupt, $"{what} ends early on disk (offset {offset}).");
                }

                Completed(result, fd, "sendfile");
            }
        }
        finally
        {
            Release(_socket.SafeHandle, socketAdded);
            Release(file, fileAdded);
        }
    }

    private static void Release(SafeHandle handle, bool added)
    {
        if (added)
        {
            handle.DangerousRelease();
        }
    }

    /// <summary>True when a call moved bytes; false after waiting out EAGAIN or an EINTR (call again); throws on any other error.</summary>
    private bool Completed(nint result, int fd, string name)
    {
        if (result >= 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == LinuxSockets.ErrorWouldBlock)
        {
            WaitWritable(fd);
        }
        else if (errno != LinuxSockets.ErrorInterrupted)
        {
            throw new IOException($"{name} to {_socket.RemoteEndPoint}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        }

        return false;
    }

    private unsafe void WaitWritable(int fd)
    {
        var poll = new LinuxSockets.PollFd { Fd = fd, Events = LinuxSockets.PollOut };
        var ready = LinuxSockets.Poll(&poll, 1, _timeoutMilliseconds);
        if (ready == 0)
        {
            throw new IOException($"The socket to {_socket.RemoteEndPoint} took no data for {_timeoutMilliseconds / 1000.0:0.###} s.");
        }

        if (ready < 0 && Marshal.GetLastPInvokeError() != LinuxSockets.ErrorInterrupted)
        {
            throw new IOException($"poll on the socket to {_socket.RemoteEndPoint}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
        }
    }
}
