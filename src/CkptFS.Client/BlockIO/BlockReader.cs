using CkptFS.Common;
using CkptFS.Common.Checksums;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.BlockIO;

/// <summary>
/// Reads [offset, offset + length) of one replica (client side of READ_BLOCK). Steps:
/// 1. Connect to Locations[replicaIndex], send the header, read the response (chunk size, chunk_offset).
/// 2. Read packets of whole chunks from chunk_offset on; verify EVERY chunk's CRC32C before handing
///    out a byte of its packet; a mismatch sends ClientReadStatus ERROR_CHECKSUM and throws
///    <see cref="ChecksumMismatchException"/> (the caller reports the replica and tries the next).
/// 3. Hand out only the bytes inside the range, in order. A packet that lies wholly inside the range
///    and fits in the caller's buffer is read straight into that buffer and verified there (no copy
///    out of a packet buffer); others are held in our packet buffer and copied out.
/// 4. At the end, read the empty last packet and send CHECKSUM_OK.
/// Connection failures throw <see cref="ErrorCode.Unavailable"/> naming the DataNode.
/// </summary>
public sealed class BlockReader : IAsyncDisposable
{
    private readonly LocatedBlock _block;
    private readonly BlockReaderOptions _options;
    private readonly DataNodeConnection _connection;
    private readonly int _bytesPerChecksum;
    private readonly long _end;
    private readonly PacketBuffer _packet;
    private readonly CancellationTokenSource _deadline = new();
    private long _position;
    private long _expectedOffset;
    private int _packetCursor;
    private int _heldLength;
    private bool _headPending;
    private bool _finished;

    private BlockReader(LocatedBlock block, BlockReaderOptions options, DataNodeConnection connection, BlockOpResponse response, long offset, long length)
    {
        _block = block;
        _options = options;
        _connection = connection;
        _bytesPerChecksum = (int)response.BytesPerChecksum;
        _position = offset;
        _end = offset + length;
        _expectedOffset = (long)response.ChunkOffset;
        _packet = PacketBuffer.RentForReceive(_bytesPerChecksum);
    }

    /// <summary>The visible length of the replica when the read began.</summary>
    public long ReplicaLength { get; private init; }

    public static async Task<BlockReader> OpenAsync(LocatedBlock block, int replicaIndex, long offsetInBlock, long length, string clientName, BlockReaderOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(offsetInBlock);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(replicaIndex, block.Locations.Count);
        var connection = await DataNodeConnection.ConnectAsync(block.Locations[replicaIndex], options.ConnectTimeout, DataTransferDialer.For(options.TlsCaFile), cancellationToken).ConfigureAwait(false);
        try
        {
            var header = new OpReadBlockHeader
            {
                Block = block.Block,
                Token = block.Token,
                ClientName = clientName,
                Offset = (ulong)offsetInBlock,
                Length = (ulong)length,
                SendChecksums = true,
            };
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.ReadTimeout);
            await DataTransferCodec.WriteRequestAsync(connection.Output, DataTransferOp.ReadBlock, header, deadline.Token).ConfigureAwait(false);
            var response = await DataTransferCodec.ReadMessageAsync(connection.Input, BlockOpResponse.Parser, deadline.Token).ConfigureAwait(false);
            if (response.Status != TransferStatus.Success)
            {
                throw new CkptFsException(DataNodeConnection.CodeOf(response),
                    $"DataNode {connection.Address} refused to read {new BlockId(block.Block.BlockId)}: {response.Status} {response.Message}");
            }

            if (response.BytesPerChecksum is 0 or > DataTransferProtocol.MaxBytesPerChecksum || response.ChunkOffset > (ulong)offsetInBlock)
            {
                throw new DataTransferProtocolException($"Bad read response: bytes_per_checksum {response.BytesPerChecksum}, chunk_offset {response.ChunkOffset} for offset {offsetInBlock}.");
            }

            return new BlockReader(block, options, connection, response, offsetInBlock, length) { ReplicaLength = (long)response.ReplicaLength };
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw exception is CkptFsException known and not DataTransferProtocolException ? known : Unavailable(connection.Address, block, exception);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> with the next verified bytes of the range (at least one); 0 at the end of the range.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_position >= _end || buffer.IsEmpty)
        {
            await FinishAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }

        if (_packetCursor >= _heldLength && _expectedOffset == _position && !_headPending)
        {
            var direct = await ReadWholePacketAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (direct > 0)
            {
                return direct;
            }
        }

        var packetStart = _expectedOffset - _heldLength;
        while (_packetCursor >= _heldLength || packetStart + _packetCursor < _position)
        {
            if (_packetCursor >= _heldLength)
            {
                if (!_headPending)
                {
                    await NextPacketAsync(cancellationToken).ConfigureAwait(false);
                }

                _headPending = false;
                await ReceiveAsync(Receive.HeldData, default, cancellationToken).ConfigureAwait(false);
                await VerifyAsync(_packet.Data.Length, FirstBadChunk(_packet.Data), cancellationToken).ConfigureAwait(false);
                _heldLength = _packet.Data.Length;
                packetStart = _expectedOffset - _heldLength;
                _packetCursor = 0;
            }

            // Skip the bytes of the first chunk before the range's offset.
            _packetCursor = (int)Math.Min(_heldLength, Math.Max(_packetCursor, _position - packetStart));
        }

        var count = (int)Math.Min(Math.Min(buffer.Length, _heldLength - _packetCursor), _end - _position);
        _packet.Data.Slice(_packetCursor, count).CopyTo(buffer.Span);
        _packetCursor += count;
        _position += count;
        return count;
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        _packet.Dispose();
        _deadline.Dispose();
    }

    /// <summary>
    /// Reads the next packet straight into <paramref name="buffer"/> and verifies it there when it lies
    /// inside the range and fits; returns its length. Otherwise returns 0 with the packet's head read
    /// and its data still on the stream, for ReadAsync to hold and copy out.
    /// </summary>
    private async ValueTask<int> ReadWholePacketAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await NextPacketAsync(cancellationToken).ConfigureAwait(false);
        var length = _packet.HeadDataLength;
        if (length > buffer.Length || _position + length > _end)
        {
            _headPending = true;
            return 0;
        }

        var target = buffer[..length];
        await ReceiveAsync(Receive.Into, target, cancellationToken).ConfigureAwait(false);
        await VerifyAsync(length, FirstBadChunk(target.Span), cancellationToken).ConfigureAwait(false);
        _position += length;
        _heldLength = 0;
        _packetCursor = 0;
        return length;
    }

    /// <summary>Reads the next data packet's head (its data stays on the stream) and checks its place.</summary>
    private async ValueTask NextPacketAsync(CancellationToken cancellationToken)
    {
        await ReceiveAsync(Receive.Head, default, cancellationToken).ConfigureAwait(false);
        var header = _packet.Header;
        if (header.LastPacketInBlock || header.DataLen == 0 || header.OffsetInBlock != _expectedOffset)
        {
            throw Unavailable(_connection.Address, _block, new DataTransferProtocolException(
                $"Packet {header.Seqno} at offset {header.OffsetInBlock} with {header.DataLen} bytes (last: {header.LastPacketInBlock}) while expecting data at {_expectedOffset}."));
        }
    }

    /// <summary>The first chunk of <paramref name="data"/> (the current packet's) that fails its checksum, or -1.</summary>
    private int FirstBadChunk(ReadOnlySpan<byte> data) => ChunkChecksums.Verify(data, _bytesPerChecksum, _packet.Checksums);

    /// <summary>On a bad chunk tells the DataNode and throws; else accepts the packet's <paramref name="length"/> bytes.</summary>
    private async ValueTask VerifyAsync(int length, int badChunk, CancellationToken cancellationToken)
    {
        if (badChunk >= 0)
        {
            await SendStatusAsync(TransferStatus.ErrorChecksum, cancellationToken).ConfigureAwait(false);
            throw new ChecksumMismatchException(_block.Block.BlockId, _connection.Address, _packet.Header.OffsetInBlock + ((long)badChunk * _bytesPerChecksum));
        }

        _expectedOffset += length;
    }

    /// <summary>Skips to the empty last packet and tells the DataNode the read verified.</summary>
    private async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return;
        }

        do
        {
            await ReceiveAsync(Receive.Packet, default, cancellationToken).ConfigureAwait(false);
        }
        while (!_packet.Header.LastPacketInBlock);

        _packetCursor = _heldLength = 0;
        _finished = true;
        await SendStatusAsync(TransferStatus.ChecksumOk, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What <see cref="ReceiveAsync"/> reads from the DataNode.</summary>
    private enum Receive
    {
        /// <summary>A whole packet into our buffer.</summary>
        Packet,

        /// <summary>A packet's prefix, header and checksums into our buffer.</summary>
        Head,

        /// <summary>The data of the packet whose head was read, into our buffer.</summary>
        HeldData,

        /// <summary>The data of the packet whose head was read, into the caller's memory.</summary>
        Into,
    }

    /// <summary>One read from the DataNode within ReadTimeout; a failure or silence becomes <see cref="ErrorCode.Unavailable"/>.</summary>
    private async ValueTask ReceiveAsync(Receive what, Memory<byte> into, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _deadline);
        _deadline.CancelAfter(_options.ReadTimeout);
        try
        {
            var input = _connection.Input;
            var more = what switch
            {
                Receive.Packet => await _packet.ReadAsync(input, _bytesPerChecksum, _deadline.Token).ConfigureAwait(false),
                Receive.Head => await _packet.ReadHeadAsync(input, _bytesPerChecksum, _deadline.Token).ConfigureAwait(false),
                Receive.HeldData => await ReadDataAsync(_packet.ReadDataAsync(input, _deadline.Token)).ConfigureAwait(false),
                _ => await ReadDataAsync(DataTransferCodec.ReadExactlyOrThrowAsync(input, into, "packet data", _deadline.Token)).ConfigureAwait(false),
            };
            if (!more)
            {
                throw new DataTransferProtocolException("The DataNode closed the connection before the last packet.");
            }

            // Stop the clock: the caller may pause between reads for as long as it likes.
            _deadline.CancelAfter(Timeout.InfiniteTimeSpan);
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or DataTransferProtocolException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw Unavailable(_connection.Address, _block, exception is OperationCanceledException ? new TimeoutException($"no packet in {_options.ReadTimeout.TotalSeconds:0.###} s") : exception);
        }

        static async ValueTask<bool> ReadDataAsync(ValueTask read)
        {
            await read.ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>Best effort: a DataNode that is gone cannot hear the verdict, and the caller's error matters more.</summary>
    private async ValueTask SendStatusAsync(TransferStatus status, CancellationToken cancellationToken)
    {
        try
        {
            await DataTransferCodec.WriteMessageAsync(_connection.Output, new ClientReadStatus { Status = status }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException)
        {
            _finished = true;
        }
    }

    private static CkptFsException Unavailable(string address, LocatedBlock block, Exception exception) =>
        new(ErrorCode.Unavailable, $"Reading {new BlockId(block.Block.BlockId)} from DataNode {address} failed: {exception.Message}", exception);
}
