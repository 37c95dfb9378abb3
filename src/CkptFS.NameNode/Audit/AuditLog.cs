using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Audit;

/// <summary>
/// The audit log's sink, off the hot path: <see cref="Record"/> only offers the event to a bounded
/// channel (a full channel drops it and counts the drop: a call never waits for its line); one
/// background writer turns events into JSON lines and appends them to the file, flushing when it
/// has caught up. A failed write is logged, counted as dropped, and the writer goes on.
/// <code>
/// {"time":"2026-12-05T09:12:03.114Z","user":"alice","client":"127.0.0.1:50412","cmd":"Rename","src":"/jobs/a","dst":"/jobs/b","allowed":true}
/// {"time":"2026-12-05T09:12:04.020Z","user":"alice","client":"127.0.0.1:50412","cmd":"Create","src":"/jobs/a/f","dst":null,"allowed":false,"error":"FileAlreadyExists","code":1003}
/// </code>
/// </summary>
public sealed partial class AuditLog : IAsyncDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);
    private readonly Channel<AuditEvent> _queue;
    private readonly FileStream _file;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private long _written;
    private long _dropped;

    public AuditLog(string path, int queueCapacity, ILogger<AuditLog> logger)
    {
        Path = path;
        _logger = logger;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024);
        _queue = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(queueCapacity)
        {
            // Wait, with TryWrite only: a full queue answers false at once, and the event is counted as dropped.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _writer = Task.Run(WriteAllAsync);
    }

    public string Path { get; }

    /// <summary>Lines appended to the file.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Events lost: the queue was full, or the file could not be written.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues <paramref name="audit"/> for the writer; never blocks.</summary>
    public void Record(in AuditEvent audit)
    {
        if (!_queue.Writer.TryWrite(audit))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private async Task WriteAllAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var json = new Utf8JsonWriter(buffer);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            try
            {
                while (_queue.Reader.TryRead(out var audit))
                {
                    AuditLine.Write(json, audit);
                    json.Flush();
                    json.Reset();
                    buffer.Write("\n"u8);
                    await _file.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
                    buffer.ResetWrittenCount();
                    Interlocked.Increment(ref _written);
                }
                await _file.FlushAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Per batch, as every background loop here: log, count, back off, go on (a full disk may clear).
                Interlocked.Increment(ref _dropped);
                buffer.ResetWrittenCount();
                json.Reset();
                LogWriteFailed(_logger, Path, exception);
                await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops taking events and writes what is queued (bounded), then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogDrainTimedOut(_logger, Path, _queue.Reader.Count);
        }
        await _file.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit log {Path}: a write failed; its lines are dropped and counted, the writer goes on")]
    private static partial void LogWriteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit log {Path}: {Queued} lines were still queued at shutdown and are lost")]
    private static partial void LogDrainTimedOut(ILogger logger, string path, int queued);
}
