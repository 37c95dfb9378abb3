using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.Streams;

/// <summary>
/// A file being read: a seekable stream over its blocks, plus positional reads
/// (<see cref="ReadAtAsync"/>) that leave the stream's position alone and may run concurrently, for
/// tensor-level range reads. Every chunk's CRC32C is verified; a bad or unreachable replica is
/// skipped (and a corrupt one reported) in favour of the next. The readable length is fixed when
/// the stream opens: for a file still being written, the length its writer last flushed.
/// </summary>
public sealed class CkptFsInputStream : Stream
{
    private readonly CkptFsClient _client;
    private readonly string _path;
    private ReplicaFailover _failover;
    private IReadOnlyList<LocatedBlock> _blocks;
    private BlockReader? _reader;
    private DatanodeId? _readerNode;
    private long _readerPosition = -1;
    private long _readerEnd;
    private long _position;
    private bool _disposed;

    internal CkptFsInputStream(CkptFsClient client, string path, GetBlockLocationsResponse locations)
    {
        _client = client;
        _path = path;
        _failover = new ReplicaFailover(client, path);
        _blocks = locations.Blocks;
        Length = (long)locations.FileLength;
        Status = locations.Status;
        IsUnderConstruction = locations.UnderConstruction;
    }

    public FileStatus Status { get; }

    /// <summary>True when the file was open for write when this stream opened (Length is the flushed prefix).</summary>
    public bool IsUnderConstruction { get; }

    public override long Length { get; }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        _position = target;
        return _position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_position >= Length || buffer.IsEmpty)
        {
            return 0;
        }
        while (true)
        {
            if (_reader is null || _readerPosition != _position)
            {
                await OpenReaderAtPositionAsync(cancellationToken);
            }
            var wanted = (int)Math.Min(buffer.Length, _readerEnd - _position);
            try
            {
                var read = await _reader!.ReadAsync(buffer[..wanted], cancellationToken);
                if (read == 0)
                {
                    throw new CkptFsException(ErrorCode.Unavailable, $"The replica ended early at offset {_position} of {_path}.");
                }
                _position += read;
                _readerPosition = _position;
                return read;
            }
            catch (ChecksumMismatchException)
            {
                await _failover.ReportCorruptAsync(BlockAt(_position), _readerNode!, cancellationToken);
                await CloseReaderAsync();
            }
            catch (CkptFsException e) when (e.Code is ErrorCode.Unavailable)
            {
                await CloseReaderAsync();
                _failover.MarkDead(_readerNode);
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Reads up to buffer.Length bytes at <paramref name="offset"/> (fewer only at the end of the file),
    /// without moving <see cref="Position"/>. Safe to call concurrently.
    /// </summary>
    public async Task<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var total = (int)Math.Clamp(Length - offset, 0, buffer.Length);
        var done = 0;
        var failover = new ReplicaFailover(_client, _path);
        var refreshes = 0;
        while (done < total)
        {
            var block = BlockAt(offset + done);
            var inBlock = offset + done - (long)block.Offset;
            var count = (int)Math.Min(total - done, BlockEnd(block) - (offset + done));
            try
            {
                await failover.ReadExactlyAsync(block, inBlock, buffer.Slice(done, count), cancellationToken);
            }
            catch (CkptFsException e) when (e.Code == ErrorCode.BlockMissing && refreshes < _client.Options.BlockReader.BlockAcquireRetries)
            {
                await RefreshLocationsAsync(++refreshes, cancellationToken);
                failover = new ReplicaFailover(_client, _path);
                continue;
            }
            done += count;
        }
        return total;
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await CloseReaderAsync();
        }
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            CloseReaderAsync().AsTask().GetAwaiter().GetResult();
        }
        base.Dispose(disposing);
    }

    private async Task OpenReaderAtPositionAsync(CancellationToken cancellationToken)
    {
        await CloseReaderAsync();
        var block = BlockAt(_position);
        var inBlock = _position - (long)block.Offset;
        var end = BlockEnd(block);
        for (var refreshes = 0; ; )
        {
            try
            {
                (_reader, _readerNode) = await _failover.OpenAsync(block, inBlock, end - _position, cancellationToken);
                break;
            }
            catch (CkptFsException e) when (e.Code == ErrorCode.BlockMissing && refreshes < _client.Options.BlockReader.BlockAcquireRetries)
            {
                await RefreshLocationsAsync(++refreshes, cancellationToken);
                _failover = new ReplicaFailover(_client, _path);
                block = BlockAt(_position);
            }
        }
        _readerPosition = _position;
        _readerEnd = end;
    }

    /// <summary>
    /// No replica could serve a block: its locations or tokens may be out of date (replicas moved, a
    /// token expired, a restarted NameNode still waiting for block reports). The first ask for fresh
    /// ones is at once, later ones after a growing, jittered wait, as HDFS's DFSInputStream does.
    /// </summary>
    private async Task RefreshLocationsAsync(int attempt, CancellationToken cancellationToken)
    {
        if (attempt > 1)
        {
            var step = _client.Options.BlockReader.BlockAcquireBackoff;
            var wait = (step * (attempt - 1)) + (step * Random.Shared.NextDouble());
            await Task.Delay(wait, _client.Options.TimeProvider, cancellationToken);
        }
        _blocks = (await _client.GetBlockLocationsAsync(_path, cancellationToken)).Blocks;
    }

    private async ValueTask CloseReaderAsync()
    {
        if (_reader is { } reader)
        {
            _reader = null;
            _readerPosition = -1;
            await reader.DisposeAsync();
        }
    }

    /// <summary>The block holding file offset <paramref name="offset"/> (binary search; blocks are in offset order).</summary>
    private LocatedBlock BlockAt(long offset)
    {
        int low = 0, high = _blocks.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var block = _blocks[middle];
            if (offset < (long)block.Offset)
            {
                high = middle - 1;
            }
            else if (offset >= BlockEnd(block))
            {
                low = middle + 1;
            }
            else
            {
                return block;
            }
        }
        throw new CkptFsException(ErrorCode.BlockMissing, $"No block of {_path} covers offset {offset} (length {Length}).");
    }

    private long BlockEnd(LocatedBlock block) => Math.Min(Length, (long)block.Offset + (long)block.Block.NumBytes);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
