using CkptFS.Client.Checkpoints.Safetensors;
using CkptFS.Client.Streams;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.Checkpoints;

/// <summary>
/// One shard being written by its rank: a CkptFS file stream that also computes the CRC-32C of
/// the whole shard and, for a ".safetensors" shard, reads its tensor table from the bytes as they
/// pass (no second read of anything). <see cref="CompleteAsync"/> closes the file (durable) and
/// returns the shard's manifest entry; with shard records on, it also leaves the entry for a
/// coordinator in another process (<see cref="ShardRecords"/>). Disposing a shard that was not
/// completed abandons it (a half-written shard is never closed as if it were whole).
/// </summary>
public sealed class ShardOutputStream : Stream
{
    public const string SafetensorsSuffix = ".safetensors";

    private readonly CkptFsClient _client;
    private readonly CkptFsOutputStream _output;
    private readonly FsPath _pending;
    private readonly bool _writeRecord;
    private readonly SafetensorsScanner? _safetensors;
    private readonly Action<ShardEntry>? _completed;
    private readonly Crc32CStream _checksummed;
    private ShardEntry? _entry;

    internal ShardOutputStream(CkptFsClient client, CkptFsOutputStream output, FsPath pending, string shardPath, bool writeRecord, Action<ShardEntry>? completed)
    {
        _completed = completed;
        _client = client;
        _output = output;
        _checksummed = new Crc32CStream(output);
        _pending = pending;
        _writeRecord = writeRecord;
        ShardPath = shardPath;
        _safetensors = shardPath.EndsWith(SafetensorsSuffix, StringComparison.Ordinal) ? new SafetensorsScanner() : null;
    }

    /// <summary>The shard's path relative to the checkpoint folder.</summary>
    public string ShardPath { get; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => _entry is null;

    public override long Length => _output.Length;

    public override long Position { get => _output.Position; set => throw new NotSupportedException("A shard is written sequentially."); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            _safetensors?.Append(buffer.Span);
        }
        catch (CkptFsException e)
        {
            throw new CkptFsException(e.Code, $"Shard {ShardPath} is {e.Message}.", e);
        }
        await _checksummed.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Closes the shard (it is durable when this returns) and returns its manifest entry.</summary>
    public async Task<ShardEntry> CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_entry is not null)
        {
            return _entry;
        }
        await _output.CloseAsync(cancellationToken);
        var entry = new ShardEntry { Path = ShardPath, Size = (ulong)_output.Length, Crc32C = _checksummed.Crc32C };
        if (_safetensors is not null)
        {
            SafetensorsHeader header;
            try
            {
                header = _safetensors.Finish(_output.Length);
            }
            catch (CkptFsException e)
            {
                throw new CkptFsException(e.Code, $"Shard {ShardPath} is {e.Message}.", e);
            }
            entry.Format = "safetensors";
            entry.Tensors.AddRange(header.Tensors);
            foreach (var (key, value) in header.Metadata)
            {
                entry.FormatMetadata[key] = value;
            }
        }
        if (_writeRecord)
        {
            await ShardRecords.WriteAsync(_client, _pending, entry, cancellationToken);
        }
        _entry = entry;
        _completed?.Invoke(entry);
        return entry;
    }

    /// <summary>Gives the shard up: the file stays open until its lease expires (or is deleted with the pending step).</summary>
    public Task AbortAsync() => _output.AbortAsync();

    public override async ValueTask DisposeAsync()
    {
        if (_entry is null)
        {
            await _output.AbortAsync();
        }
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _entry is null)
        {
            _output.AbortAsync().GetAwaiter().GetResult();
        }
        base.Dispose(disposing);
    }

    /// <summary>hflush: every replica holds what was written so far, and readers can see it (the shard stays open).</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
