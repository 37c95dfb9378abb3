using System.Buffers;
using CkptFS.Common;
using Microsoft.Extensions.Logging;

namespace CkptFS.Mount.Handles;

/// <summary>
/// A file open for write: one CkptFS writer holding the lease. Bytes stream to the write pipeline
/// in <see cref="MountOptions.WriteBufferBytes"/> steps (never a whole file in memory); the step not
/// yet sent is the rewrite window: a write that lands inside it (a format writer going back to fill
/// in a header it reserved) changes the buffer, a write past the end fills the gap with zeros, and a
/// write before it is refused with EOPNOTSUPP: those bytes are already on the DataNodes, and CkptFS
/// files are written once, front to back. After such a refusal the file is spoiled: its close
/// returns EIO and deletes it, so a half-right file is never published.
/// close(2) (the kernel's flush) completes the file and returns its failure; fsync is hflush.
/// </summary>
internal sealed class WriteHandle : IFileHandle
{
    private readonly FileWriter _writer;
    private readonly string _remotePath;
    private readonly MountOptions _options;
    private readonly ILogger _logger;
    private readonly Func<string, Task> _delete;
    private readonly Lock _lock = new();
    private byte[]? _buffer;
    private int _buffered;
    private long _sent;
    private Exception? _failure;
    private string? _spoiled;
    private State _state = State.Open;

    public WriteHandle(string path, string remotePath, FileWriter writer, MountOptions options, ILogger logger, Func<string, Task> delete)
    {
        Path = path;
        _remotePath = remotePath;
        _writer = writer;
        _options = options;
        _logger = logger;
        _delete = delete;
        _buffer = ArrayPool<byte>.Shared.Rent(options.WriteBufferBytes);
    }

    private enum State { Open, Completed, Abandoned }

    public string Path { get; }

    /// <summary>Bytes written so far (sent and buffered): the size the writer's program sees.</summary>
    public long Length
    {
        get
        {
            lock (_lock)
            {
                return _sent + _buffered;
            }
        }
    }

    public bool IsOpen
    {
        get
        {
            lock (_lock)
            {
                return _state == State.Open;
            }
        }
    }

    public int Write(ReadOnlySpan<byte> data, long offset)
    {
        lock (_lock)
        {
            if (Unusable() is { } errno)
            {
                return -errno;
            }
            var end = _sent + _buffered;
            if (offset < _sent)
            {
                Spoil($"a write of {data.Length} bytes at offset {offset} lands before offset {_sent}, which is already on the DataNodes " +
                      $"(a CkptFS file is written front to back; only the last unsent {_options.WriteBufferBytes / (1024 * 1024)} MiB can be rewritten)");
                return -Errno.EOPNOTSUPP;
            }
            if (offset - end > _options.MaxGapBytes)
            {
                Spoil($"a write at offset {offset} leaves a gap of {offset - end} bytes after the end ({end}); gaps up to {_options.MaxGapBytes} bytes are filled with zeros");
                return -Errno.EOPNOTSUPP;
            }
            try
            {
                while (_sent + _buffered < offset)
                {
                    var zeros = (int)Math.Min(offset - (_sent + _buffered), _buffer!.Length - _buffered);
                    Array.Clear(_buffer, _buffered, zeros);
                    _buffered += zeros;
                    SendIfFull();
                }
                var position = offset;
                while (!data.IsEmpty)
                {
                    var at = (int)(position - _sent);
                    var room = Math.Min(data.Length, _buffer!.Length - at);
                    data[..room].CopyTo(_buffer.AsSpan(at));
                    data = data[room..];
                    position += room;
                    _buffered = Math.Max(_buffered, at + room);
                    SendIfFull();
                }
                return 0;
            }
            catch (Exception e)
            {
                return -Fail(e, "write");
            }
        }
    }

    /// <summary>fsync: every replica holds every byte written so far.</summary>
    public int Sync()
    {
        lock (_lock)
        {
            if (_state != State.Open)
            {
                return _failure is null ? 0 : -Errno.FromException(_failure);
            }
            if (Unusable() is { } errno)
            {
                return -errno;
            }
            try
            {
                Send();
                _writer.FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
                return 0;
            }
            catch (Exception e)
            {
                return -Fail(e, "fsync");
            }
        }
    }

    /// <summary>
    /// ftruncate on the open file: to the current length (nothing to do), or to 0 while nothing was
    /// sent yet (the buffer is dropped); anything else is EOPNOTSUPP.
    /// </summary>
    public int Truncate(long size)
    {
        lock (_lock)
        {
            if (Unusable() is { } errno)
            {
                return -errno;
            }
            if (size == _sent + _buffered)
            {
                return 0;
            }
            if (size <= _sent + _buffered && size >= _sent)
            {
                _buffered = (int)(size - _sent);
                return 0;
            }
            if (size > _sent + _buffered && size - (_sent + _buffered) <= _options.MaxGapBytes)
            {
                return Write(ReadOnlySpan<byte>.Empty, size) is var result and < 0 ? result : 0;
            }
            _logger.LogWarning("Refused to truncate {Path} to {Size} bytes while it is written: offsets before {Sent} are already on the DataNodes.", Path, size, _sent);
            return -Errno.EOPNOTSUPP;
        }
    }

    /// <summary>
    /// close(2): completes the file (durable on every replica) and returns its failure, so the program
    /// sees a failed save. A program killed mid-write abandons the file instead. Later flushes of the
    /// same handle (dup'ed descriptors) return the first one's result.
    /// </summary>
    public int Close(int callerThread)
    {
        lock (_lock)
        {
            if (_state != State.Open)
            {
                return _failure is null && _spoiled is null ? 0 : -Errno.EIO;
            }
            if (ClosingProcess.WasKilled(callerThread))
            {
                _logger.LogWarning("The program writing {Path} was killed after {Bytes} bytes: the file is abandoned, not completed (lease recovery closes it at what the replicas hold).",
                    Path, _sent + _buffered);
                Abandon();
                return -Errno.EIO;
            }
            if (_spoiled is not null)
            {
                Abandon();
                DeleteQuietly();
                return -Errno.EIO;
            }
            if (_failure is not null)
            {
                Abandon();
                return -Errno.FromException(_failure);
            }
            try
            {
                Send();
                _writer.CompleteAsync(CancellationToken.None).GetAwaiter().GetResult();
                _state = State.Completed;
                ReturnBuffer();
                return 0;
            }
            catch (Exception e)
            {
                var errno = Fail(e, "close");
                Abandon();
                return -errno;
            }
        }
    }

    /// <summary>
    /// The last descriptor is gone. A file still open here had its last close in another process than
    /// the one whose flushes were deferred (a forked child): it is completed now (a failure only logged,
    /// no program is left to see it); one that failed is given up.
    /// </summary>
    public void Release()
    {
        lock (_lock)
        {
            if (_state == State.Open && _failure is null && _spoiled is null)
            {
                // Its last close came from another process than the one that opened it (a forked child): complete it now.
                var result = Close(callerThread: 0);
                if (result != 0)
                {
                    _logger.LogWarning("{Path} could not be completed at its last close (errno {Errno}).", Path, -result);
                }
            }
            else if (_state == State.Open)
            {
                _logger.LogWarning("{Path} was released without close: abandoned at {Bytes} bytes.", Path, _sent + _buffered);
                Abandon();
            }
        }
    }

    /// <summary>Unmount or shutdown: completes the file if it can (its program is going away with the mount).</summary>
    public int CloseForShutdown() => Close(callerThread: 0);

    private int? Unusable()
    {
        if (_state != State.Open)
        {
            return Errno.EBADF;
        }
        if (_spoiled is not null)
        {
            return Errno.EOPNOTSUPP;
        }
        return _failure is null ? null : Errno.FromException(_failure);
    }

    private void SendIfFull()
    {
        if (_buffered == _buffer!.Length)
        {
            Send();
        }
    }

    private void Send()
    {
        if (_buffered == 0)
        {
            return;
        }
        _writer.WriteAsync(_buffer.AsMemory(0, _buffered), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _sent += _buffered;
        _buffered = 0;
    }

    private int Fail(Exception e, string call)
    {
        _failure ??= e;
        var errno = Errno.FromException(e);
        _logger.LogError("{Call} of {Path} failed at offset {Offset} (errno {Errno}): {Reason}", call, Path, _sent + _buffered, errno, e is CkptFsException ? e.Message : e.ToString());
        return errno;
    }

    private void Spoil(string reason)
    {
        _spoiled ??= reason;
        _logger.LogWarning("Refused a write to {Path}: {Reason}. The file will not be completed: its close returns EIO and deletes it.", Path, reason);
    }

    private void Abandon()
    {
        _state = State.Abandoned;
        ReturnBuffer();
        try
        {
            _writer.AbortAsync().GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            _logger.LogWarning("Abandoning {Path}: {Reason}", Path, e.Message);
        }
    }

    private void DeleteQuietly()
    {
        try
        {
            _delete(_remotePath).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            _logger.LogWarning("Could not delete the spoiled file {Path}: {Reason}", Path, e.Message);
        }
    }

    private void ReturnBuffer()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
