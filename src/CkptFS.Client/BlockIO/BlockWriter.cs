using CkptFS.Common;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.BlockIO;

/// <summary>
/// Writes one block through a pipeline of DataNodes (client side of WRITE_BLOCK). Steps:
/// 1. Connect to Locations[0], send the header (stage CREATE, targets = Locations[1..]), read the
///    setup response; a failure names the bad node (first_bad_link).
/// 2. Cut the data into packets of PacketSizeBytes with one CRC32C per chunk and send each without
///    waiting for acks, at most WindowPackets unacknowledged (then wait for the oldest ack).
/// 3. A background task reads the acks in order: all SUCCESS → the packet is done and its buffer
///    reused; an error or a broken connection marks the pipeline failed.
/// 4. Flush: send the partial packet and wait for every ack (hflush). A flush that ends mid-chunk
///    makes the next packet start at that chunk's start and carry its bytes again.
/// 5. Close: once every data packet is acknowledged (as HDFS: a failure while closing then finds every
///    byte on every node), the empty last packet; its ack means every replica is finalized.
/// 6. A failed pipeline is noticed by the next write, flush or close: with an
///    <see cref="IPipelineRecovery"/> it is rebuilt (see BlockWriter.Recovery.cs) and the call goes
///    on; without one the call throws the <see cref="BlockPipelineException"/>. Every packet stays
///    queued until acknowledged, so nothing handed to the writer is lost by a failure.
/// Not thread-safe: one caller at a time (the ack task is internal).
/// </summary>
public sealed partial class BlockWriter : IAsyncDisposable
{
    private readonly BlockWriterOptions _options;
    private readonly string _clientName;
    private readonly IPipelineRecovery? _recovery;
    private readonly byte[] _partialChunk;
    private LocatedBlock _block;
    private DataNodeConnection _connection;
    private PacketBuffer? _current;
    private long _currentOffset;
    private int _currentLength;
    private long _bytesWritten;
    private long _bytesSent;
    private long _nextSeqno;
    private bool _lastPacketQueued;

    private BlockWriter(LocatedBlock block, string clientName, BlockWriterOptions options, DataNodeConnection connection, IPipelineRecovery? recovery)
    {
        _block = block;
        _clientName = clientName;
        _options = options;
        _connection = connection;
        _recovery = recovery;
        _partialChunk = new byte[options.BytesPerChecksum];
        _window = new SemaphoreSlim(options.WindowPackets);
        _ackLoop = Task.Run(ReadAcksAsync);
    }

    /// <summary>Bytes every replica of the pipeline has acknowledged.</summary>
    public long BytesAcknowledged => Interlocked.Read(ref _bytesAcknowledged);

    /// <summary>Bytes handed to <see cref="WriteAsync"/> so far: the block's length.</summary>
    public long BytesWritten => _bytesWritten;

    /// <summary>The block with its current generation stamp (a recovery gives it a new one), without a length.</summary>
    public ExtendedBlock Block => new() { BlockId = _block.Block.BlockId, GenerationStamp = _block.Block.GenerationStamp };

    /// <summary>The DataNodes of the current pipeline, in order (a recovery drops the failed ones).</summary>
    public IReadOnlyList<DatanodeId> Pipeline => _block.Locations;

    /// <summary>The client name and settings the pipeline was set up with (a replacement node's copy uses them too).</summary>
    internal string ClientName => _clientName;

    internal BlockWriterOptions Options => _options;

    /// <summary>True once the last packet is on its way: every data byte was acknowledged by every node of the pipeline.</summary>
    internal bool Closing => _lastPacketQueued;

    /// <summary>True once a flush made part of this block visible to readers (HDFS: the block was hflushed).</summary>
    public bool Flushed { get; private set; }

    /// <summary>Queues <paramref name="data"/> into packets; returns once they are sent (not acknowledged).</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            await EnsureHealthyAsync(cancellationToken).ConfigureAwait(false);
            _current ??= TakePacket(_options.PacketSizeBytes);
            var count = Math.Min(data.Length, _current.DataCapacity - _currentLength);
            data.Span[..count].CopyTo(_current.DataSpace[_currentLength..]);
            _currentLength += count;
            _bytesWritten += count;
            data = data[count..];
            if (_currentLength == _current.DataCapacity)
            {
                await SendCurrentAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>hflush: sends what is buffered and waits until every replica acknowledged it; returns the bytes acknowledged.</summary>
    public async Task<long> FlushAsync(CancellationToken cancellationToken)
    {
        await EnsureHealthyAsync(cancellationToken).ConfigureAwait(false);
        if (_bytesWritten > _bytesSent)
        {
            await SendCurrentAsync(cancellationToken).ConfigureAwait(false);
        }

        await WaitForAckAsync(_nextSeqno - 1, cancellationToken).ConfigureAwait(false);
        Flushed = true;
        return BytesAcknowledged;
    }

    /// <summary>Sends the rest and the empty last packet; returns the block with its length once every replica is finalized.</summary>
    public async Task<ExtendedBlock> CloseAsync(CancellationToken cancellationToken)
    {
        await EnsureHealthyAsync(cancellationToken).ConfigureAwait(false);
        if (_bytesWritten > _bytesSent)
        {
            await SendCurrentAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!_lastPacketQueued)
        {
            await WaitForAckAsync(_nextSeqno - 1, cancellationToken).ConfigureAwait(false);
            await WaitForWindowAsync(cancellationToken).ConfigureAwait(false);
            var last = TakePacket(0);
            last.SetDataLength(0);
            _lastPacketQueued = true;
            await SendAsync(last, _bytesWritten, lastPacket: true, cancellationToken).ConfigureAwait(false);
        }

        await WaitForAckAsync(_nextSeqno - 1, cancellationToken).ConfigureAwait(false);
        var block = Block;
        block.NumBytes = (ulong)_bytesWritten;
        return block;
    }

    /// <summary>
    /// Sends the packet being filled. When it ends mid-chunk (a flush), the next one restarts at that
    /// chunk. The window slot is taken first, so a failure found while waiting leaves the packet in place.
    /// </summary>
    private async ValueTask SendCurrentAsync(CancellationToken cancellationToken)
    {
        await WaitForWindowAsync(cancellationToken).ConfigureAwait(false);
        var packet = _current!;
        var offset = _currentOffset;
        var length = _currentLength;
        var tail = length % _options.BytesPerChecksum;
        packet.SetDataLength(length);
        packet.ComputeChecksums();
        packet.Data[(length - tail)..].CopyTo(_partialChunk);
        _current = null;
        _currentOffset = offset + length - tail;
        _currentLength = 0;
        await SendAsync(packet, offset, lastPacket: false, cancellationToken).ConfigureAwait(false);
        if (tail > 0)
        {
            _current = TakePacket(_options.PacketSizeBytes);
            _partialChunk.AsSpan(0, tail).CopyTo(_current.DataSpace);
            _currentLength = tail;
        }
    }

    /// <summary>
    /// Queues and sends one packet; the caller holds a window slot. A send that fails marks the
    /// pipeline failed without throwing: the packet is queued, so a recovery resends it.
    /// </summary>
    private async ValueTask SendAsync(PacketBuffer packet, long offset, bool lastPacket, CancellationToken cancellationToken)
    {
        packet.Header.OffsetInBlock = offset;
        packet.Header.Seqno = _nextSeqno++;
        packet.Header.LastPacketInBlock = lastPacket;
        packet.Header.SyncBlock = false;
        packet.Seal();
        lock (_ackLock)
        {
            _unacked.Enqueue(packet);
        }

        _bytesSent = offset + packet.Header.DataLen;
        var connection = _connection;
        try
        {
            await connection.Output.WriteAsync(packet.Frame, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            FailSend(connection, exception);
        }
    }
}
