using CkptFS.Client;
using CkptFS.Client.Streams;
using Microsoft.Extensions.Logging;

namespace CkptFS.Mount.Handles;

/// <summary>
/// A file open for read: one SDK input stream (every chunk verified against its checksum, failover
/// to another replica as the SDK does). Sequential readers (the kernel's read-ahead asks in order)
/// stream from the current position; a read elsewhere seeks. A file still being written is
/// readable up to the length its writer made visible; a read past that length looks again, so a
/// reader that follows a writer sees what each hflush (fsync) published.
/// </summary>
internal sealed class ReadHandle : IFileHandle
{
    private readonly CkptFsClient _client;
    private readonly string _remotePath;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private CkptFsInputStream? _input;

    public ReadHandle(string path, string remotePath, CkptFsClient client, ILogger logger)
    {
        Path = path;
        _remotePath = remotePath;
        _client = client;
        _logger = logger;
    }

    public string Path { get; }

    /// <summary>Set when the file was opened for write but cannot be written (a closed file without O_TRUNC): why a write is refused.</summary>
    public string? WriteRefusal { get; init; }

    public int Read(Span<byte> buffer, long offset)
    {
        lock (_lock)
        {
            try
            {
                var input = _input ??= _client.OpenAsync(_remotePath).GetAwaiter().GetResult();
                if (offset >= input.Length && input.IsUnderConstruction)
                {
                    input = Reopen();
                }
                if (offset >= input.Length)
                {
                    return 0;
                }
                if (input.Position != offset)
                {
                    input.Seek(offset, SeekOrigin.Begin);
                }
                var total = 0;
                var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
                try
                {
                    while (total < buffer.Length)
                    {
                        var read = input.ReadAsync(rented.AsMemory(total, buffer.Length - total)).AsTask().GetAwaiter().GetResult();
                        if (read == 0)
                        {
                            break;
                        }
                        total += read;
                    }
                    rented.AsSpan(0, total).CopyTo(buffer);
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(rented);
                }
                return total;
            }
            catch (Exception e)
            {
                var errno = Errno.FromException(e);
                _logger.LogError("read of {Path} at offset {Offset} failed (errno {Errno}): {Reason}", Path, offset, errno, e.Message);
                return -errno;
            }
        }
    }

    public void Release()
    {
        lock (_lock)
        {
            try
            {
                _input?.Dispose();
            }
            catch (Exception e)
            {
                _logger.LogDebug("Closing the reader of {Path}: {Reason}", Path, e.Message);
            }
            _input = null;
        }
    }

    private CkptFsInputStream Reopen()
    {
        _input?.Dispose();
        _input = null;
        return _input = _client.OpenAsync(_remotePath).GetAwaiter().GetResult();
    }
}
