using CkptFS.Common.Faults;
using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.Streams;

/// <summary>
/// A file being written: bytes are cut into blocks, each streamed through its DataNode pipeline by a
/// <see cref="BlockWriter"/> (packets in flight, never one round trip per packet).
///
/// Protocol (DESIGN.md, write path):
///   1. Create (done by <see cref="CkptFsClient.CreateAsync"/>): the file exists, under construction, leased to us
///      (with <see cref="CreateFileOptions.AllocateFirstBlock"/>, with its first block allocated: step 2's first AddBlock is skipped);
///   2. per block: AddBlock(previous) → pipeline + token; stream packets; close = finalized on every replica;
///   3. <see cref="FlushAsync(CancellationToken)"/>: wait for every replica's ack, then UpdateLength so readers see the bytes (hflush);
///   4. dispose: close the last block, then Complete until the NameNode says every block has its minimum
///      replicas (and moves the file to <see cref="CreateFileOptions.RenameOnClose"/>), and release the
///      lease. Only then does dispose return: a closed file is durable.
/// A pipeline that cannot be set up is abandoned and AddBlock is asked again without the bad node
/// (bounded attempts). A DataNode failing once the block streams is dropped by <see cref="PipelineRecovery"/>:
/// the block goes on with a new generation stamp, which hflush, the next AddBlock and Complete then carry.
/// When the DataNodes run out of space (every node of a pipeline said ERROR_DISK_FULL, or the NameNode
/// finds no node with room) the write fails with <see cref="ErrorCode.DiskFull"/>, not NotEnoughDataNodes.
/// Once a call fails for good (recovery gave up, the NameNode refused), every later call throws that
/// failure, close included; dispose then only abandons the stream, so it never masks the first error.
/// </summary>
public sealed class CkptFsOutputStream : Stream
{
    private readonly CkptFsClient _client;
    private readonly string _path;
    private readonly long _blockSize;
    private readonly List<string> _excludedNodes = [];
    private readonly List<string> _fullNodes = []; // the excluded nodes that ran out of space
    private readonly CreateFileOptions _options;
    private LocatedBlock? _allocated; // the first block, allocated with the create and not yet used
    private BlockWriter? _writer;
    private ExtendedBlock? _lastBlock; // the last finished block: AddBlock's previous, Complete's last
    private long _bytesInBlock;
    private long _position;
    private bool _closed;
    private CkptFsException? _failure; // a write, flush or close that failed: the stream cannot go on

    internal CkptFsOutputStream(CkptFsClient client, string path, FileStatus status, LocatedBlock? firstBlock, CreateFileOptions options)
    {
        _client = client;
        _path = path;
        _allocated = firstBlock;
        _options = options;
        _blockSize = (long)status.BlockSize;
        Status = status;
    }

    /// <summary>The file's status as created.</summary>
    public FileStatus Status { get; }

    public string Path => _path;

    /// <summary>The DataNodes the current block streams to, in pipeline order (empty between blocks); shrinks when a recovery drops one.</summary>
    public IReadOnlyList<DatanodeId> Pipeline => _writer?.Pipeline ?? [];

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_closed;

    public override long Length => _position;

    public override long Position { get => _position; set => throw new NotSupportedException("A CkptFS file is written sequentially."); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        try
        {
            await WriteBlocksAsync(buffer, cancellationToken);
        }
        catch (CkptFsException e)
        {
            _failure ??= e;
            throw;
        }
    }

    private async ValueTask WriteBlocksAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            if (_writer is null)
            {
                _writer = await StartBlockAsync(cancellationToken);
            }
            var room = (int)Math.Min(buffer.Length, _blockSize - _bytesInBlock);
            await _writer.WriteAsync(buffer[..room], cancellationToken);
            _bytesInBlock += room;
            _position += room;
            buffer = buffer[room..];
            if (_bytesInBlock == _blockSize)
            {
                await EndBlockAsync(cancellationToken);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>hflush: returns once every replica holds what was written, and readers can see it.</summary>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        if (_writer is null)
        {
            return;
        }
        try
        {
            var acked = await _writer.FlushAsync(cancellationToken);
            var last = _writer.Block;
            last.NumBytes = (ulong)acked;
            await _client.UpdateLengthAsync(_path, last, cancellationToken);
        }
        catch (CkptFsException e)
        {
            _failure ??= e;
            throw;
        }
    }

    public override void Flush()
    {
        // Stream.Flush is called by wrappers at arbitrary moments; hflush is explicit (FlushAsync).
    }

    /// <summary>Closes the last block and completes the file; returns when the file is durable.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (_closed)
        {
            return;
        }
        if (_failure is not null)
        {
            await AbortAsync();
            throw Unusable();
        }
        _closed = true;
        try
        {
            if (_writer is not null)
            {
                await EndBlockAsync(cancellationToken);
            }
            if (_allocated is { } unused)
            {
                // Nothing was written: the file is empty, not a file with an empty block.
                _allocated = null;
                await _client.AbandonBlockAsync(_path, unused.Block, cancellationToken);
            }
            // Crash here: every byte is durable, the file stays open until lease recovery closes it.
            FaultPoints.Hit(FaultPoint.ClientBeforeFileComplete);
            await _client.CompleteFileAsync(_path, _lastBlock, cancellationToken, _options.RenameOnClose, _options.RenameOnCloseOverwrite);
        }
        finally
        {
            _client.Leases.Release(_path);
        }
    }

    /// <summary>
    /// Gives up the write: drops the pipeline without finalizing and stops renewing the lease. The file
    /// stays under construction (delete it, or the NameNode recovers it when the lease expires).
    /// </summary>
    public async Task AbortAsync()
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        _client.Leases.Release(_path);
        if (_writer is { } writer)
        {
            _writer = null;
            await writer.DisposeAsync();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await (_failure is null ? CloseAsync() : AbortAsync());
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_closed)
        {
            (_failure is null ? CloseAsync() : AbortAsync()).GetAwaiter().GetResult();
        }
        base.Dispose(disposing);
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_failure is not null)
        {
            throw Unusable();
        }
    }

    private CkptFsException Unusable() => new(_failure!.Code,
        $"Cannot go on writing {_path}: an earlier write failed ({_failure.Message}). The file stays open until its lease is recovered ('ckptfs recover-lease {_path}'), or delete it.",
        _failure);

    private async Task<BlockWriter> StartBlockAsync(CancellationToken cancellationToken)
    {
        var attempts = _client.Options.BlockWriteAttempts;
        for (var attempt = 1; ; attempt++)
        {
            var located = await AddBlockAsync(cancellationToken);
            try
            {
                var recovery = new PipelineRecovery(_client, _path, (int)Status.Replication, _client.Options.PipelineRecoveryAttempts, _excludedNodes, _client.RecoveryLogger,
                    _fullNodes);
                var writer = await BlockWriter.OpenAsync(located, _client.ClientName, _client.Options.BlockWriter, recovery, cancellationToken);
                _bytesInBlock = 0;
                return writer;
            }
            catch (BlockPipelineException e) when (attempt < attempts)
            {
                // HDFS DataStreamer: abandon the block, exclude the node that failed, ask again.
                await _client.AbandonBlockAsync(_path, located.Block, cancellationToken);
                var bad = e.BadNode?.DatanodeUuid ?? located.Locations[Math.Clamp(e.BadNodeIndex, 0, located.Locations.Count - 1)].DatanodeUuid;
                _excludedNodes.Add(bad);
                if (PipelineRecovery.IsDiskFull(e))
                {
                    _fullNodes.Add(bad);
                }
                PipelineRecoveryLog.SetupAbandoned(_client.RecoveryLogger, new BlockId(located.Block.BlockId), _path, bad, attempt, attempts, e.Message);
            }
            catch (BlockPipelineException e)
            {
                await _client.AbandonBlockAsync(_path, located.Block, cancellationToken);
                if (PipelineRecovery.IsDiskFull(e) && _excludedNodes.All(_fullNodes.Contains))
                {
                    throw new CkptFsException(ErrorCode.DiskFull,
                        $"Cannot write {_path}: the DataNodes are full: no DataNode pipeline for its next block could be set up after {attempts} attempts, " +
                        $"each refused for lack of space ({e.Message}).", e);
                }
                throw new CkptFsException(ErrorCode.NotEnoughDataNodes,
                    $"Cannot write {_path}: no DataNode pipeline could be set up after {attempts} attempts ({e.Message}).", e);
            }
        }
    }

    /// <summary>
    /// AddBlock without the nodes this stream excluded. When the NameNode has no other node to offer
    /// and every one excluded had run out of space, the DataNodes are full: DiskFull, not NotEnoughDataNodes.
    /// </summary>
    private async Task<LocatedBlock> AddBlockAsync(CancellationToken cancellationToken)
    {
        if (_allocated is { } first)
        {
            _allocated = null;
            return first;
        }
        try
        {
            return await _client.AddBlockAsync(_path, _lastBlock, _excludedNodes, cancellationToken);
        }
        catch (CkptFsException e) when (e.Code == ErrorCode.NotEnoughDataNodes && _fullNodes.Count > 0 && _excludedNodes.All(_fullNodes.Contains))
        {
            throw new CkptFsException(ErrorCode.DiskFull,
                $"Cannot write {_path}: the DataNodes are full: {string.Join(", ", _fullNodes)} ran out of space while writing it, and no other DataNode can take its next block ({e.Message}).", e);
        }
    }

    private async Task EndBlockAsync(CancellationToken cancellationToken)
    {
        var writer = _writer!;
        _writer = null;
        await using (writer)
        {
            _lastBlock = await writer.CloseAsync(cancellationToken);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
