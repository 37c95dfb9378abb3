using System.Buffers;
using System.Buffers.Binary;
using CkptFS.Common.Checksums;
using CkptFS.Protocol.V1;
using Google.Protobuf;

namespace CkptFS.Protocol.DataTransfer;

/// <summary>
/// One packet in one pooled buffer, laid out as it travels: u32 payload_len | u16 header_len |
/// PacketHeader | checksums | data, contiguous, so that a packet goes out in a single write and a
/// received one can be forwarded to the next DataNode as is. To build one, fill <see cref="DataSpace"/>,
/// call <see cref="SetDataLength"/>, fill or compute <see cref="Checksums"/>, set <see cref="Header"/>,
/// then <see cref="Seal"/>: checksums and header are placed right before the data (building backwards
/// leaves no gap whatever their sizes). <see cref="ReadAsync"/> fills it from a stream instead. The
/// buffer goes back to <see cref="ArrayPool{T}.Shared"/> on dispose; reusing one object per connection
/// (or a free list of them) keeps the hot path free of allocations.
/// </summary>
public sealed partial class PacketBuffer : IDisposable
{
    /// <summary>Room for the encoded PacketHeader: five fields, varints of at most 10 bytes, under 40 bytes.</summary>
    private const int HeaderRoom = 64;

    private byte[] _buffer;
    private int _dataStart;
    private int _dataCapacity;
    private int _dataLength;
    private int _checksumStart;
    private int _checksumLength;
    private int _frameStart;
    private int _frameLength;

    private PacketBuffer(int bufferSize)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    /// <summary>The packet's header; decoded by <see cref="ReadAsync"/>, encoded by <see cref="Seal"/>.</summary>
    public PacketHeader Header { get; } = new();

    public int BytesPerChecksum { get; private set; }

    /// <summary>Where data can be written before <see cref="SetDataLength"/>: the whole capacity.</summary>
    public Span<byte> DataSpace => _buffer.AsSpan(_dataStart, _dataCapacity);

    public Span<byte> Data => _buffer.AsSpan(_dataStart, _dataLength);

    public Span<byte> Checksums => _buffer.AsSpan(_checksumStart, _checksumLength);

    public int DataCapacity => _dataCapacity;

    /// <summary>The whole frame (prefix, header, checksums, data): valid after <see cref="Seal"/> or <see cref="ReadAsync"/>.</summary>
    public ReadOnlyMemory<byte> Frame => _buffer.AsMemory(_frameStart, _frameLength);

    /// <summary>
    /// The frame without its data (prefix, header, checksums), valid after <see cref="Seal"/>: a sender
    /// that moves the data itself (sendfile) writes this first, then exactly <see cref="Data"/>.Length bytes.
    /// </summary>
    public ReadOnlyMemory<byte> FrameHead => _buffer.AsMemory(_frameStart, _dataStart - _frameStart);

    /// <summary>A packet to send with up to <paramref name="dataCapacity"/> data bytes in chunks of <paramref name="bytesPerChecksum"/>.</summary>
    public static PacketBuffer Rent(int dataCapacity, int bytesPerChecksum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bytesPerChecksum, 0);
        ArgumentOutOfRangeException.ThrowIfNegative(dataCapacity);
        var checksumRoom = ChunkChecksums.ChecksumBytes(dataCapacity, bytesPerChecksum);
        var dataStart = DataTransferProtocol.PacketPrefixBytes + HeaderRoom + checksumRoom;
        return new PacketBuffer(dataStart + dataCapacity)
        {
            BytesPerChecksum = bytesPerChecksum,
            _dataStart = dataStart,
            _dataCapacity = dataCapacity,
            _checksumStart = dataStart,
        };
    }

    /// <summary>An empty packet to receive into; its buffer grows to the largest packet read.</summary>
    public static PacketBuffer RentForReceive(int bytesPerChecksum) => Rent(0, bytesPerChecksum);

    /// <summary>Fixes the data length and places the checksum section right before the data.</summary>
    public void SetDataLength(int dataLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dataLength, _dataCapacity);
        _dataLength = dataLength;
        _checksumLength = ChunkChecksums.ChecksumBytes(dataLength, BytesPerChecksum);
        _checksumStart = _dataStart - _checksumLength;
    }

    /// <summary>Computes the checksum section from the data.</summary>
    public void ComputeChecksums() => ChunkChecksums.Compute(Data, BytesPerChecksum, Checksums);

    /// <summary>Encodes the header (its data_len set from the data) and the prefix in front of the checksums.</summary>
    public void Seal()
    {
        Header.DataLen = _dataLength;
        var headerLength = Header.CalculateSize();
        var headerStart = _checksumStart - headerLength;
        _frameStart = headerStart - DataTransferProtocol.PacketPrefixBytes;
        Header.WriteTo(_buffer.AsSpan(headerStart, headerLength));
        var payloadLength = DataTransferProtocol.PayloadLengthFieldBytes + _checksumLength + _dataLength;
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_frameStart), (uint)payloadLength);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_frameStart + 4), (ushort)headerLength);
        _frameLength = _dataStart + _dataLength - _frameStart;
    }

    /// <summary>
    /// Reads one packet whose chunks are <paramref name="bytesPerChecksum"/> bytes; false when the
    /// stream ended cleanly before the packet's first byte. Lengths over the limits, a checksum
    /// section that does not match data_len, or a frame cut short throw <see cref="DataTransferProtocolException"/>.
    /// </summary>
    public async ValueTask<bool> ReadAsync(Stream stream, int bytesPerChecksum, CancellationToken cancellationToken)
    {
        var (headerLength, bodyLength) = await ReadPrefixAsync(stream, bytesPerChecksum, cancellationToken).ConfigureAwait(false);
        if (headerLength < 0)
        {
            return false;
        }

        var frameLength = DataTransferProtocol.PacketPrefixBytes + headerLength + bodyLength;
        EnsureCapacity(frameLength, DataTransferProtocol.PacketPrefixBytes);
        await DataTransferCodec.ReadExactlyOrThrowAsync(stream, _buffer.AsMemory(DataTransferProtocol.PacketPrefixBytes, frameLength - DataTransferProtocol.PacketPrefixBytes), "packet", cancellationToken).ConfigureAwait(false);
        DecodeHeader(headerLength, bodyLength);
        _frameStart = 0;
        _frameLength = frameLength;
        return true;
    }

    /// <summary>Reads and checks the u32 payload_len and u16 header_len; (-1, 0) when the stream ended cleanly first.</summary>
    private async ValueTask<(int HeaderLength, int BodyLength)> ReadPrefixAsync(Stream stream, int bytesPerChecksum, CancellationToken cancellationToken)
    {
        BytesPerChecksum = bytesPerChecksum;
        var prefix = _buffer.AsMemory(0, DataTransferProtocol.PacketPrefixBytes);
        var read = await stream.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return (-1, 0);
        }

        if (read < prefix.Length)
        {
            throw new DataTransferProtocolException($"The connection closed after {read} bytes of a packet prefix.");
        }

        var payloadLength = BinaryPrimitives.ReadUInt32BigEndian(prefix.Span);
        var headerLength = BinaryPrimitives.ReadUInt16BigEndian(prefix.Span.Slice(4));
        if (payloadLength < DataTransferProtocol.PayloadLengthFieldBytes || payloadLength > DataTransferProtocol.MaxPacketPayloadBytes + DataTransferProtocol.PayloadLengthFieldBytes)
        {
            throw new DataTransferProtocolException($"A packet payload_len of {payloadLength} is outside 4..{DataTransferProtocol.MaxPacketPayloadBytes + 4}.");
        }

        return (headerLength, (int)payloadLength - DataTransferProtocol.PayloadLengthFieldBytes);
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void DecodeHeader(int headerLength, int bodyLength)
    {
        Header.OffsetInBlock = 0;
        Header.Seqno = 0;
        Header.LastPacketInBlock = false;
        Header.DataLen = 0;
        Header.SyncBlock = false;
        try
        {
            Header.MergeFrom(_buffer.AsSpan(DataTransferProtocol.PacketPrefixBytes, headerLength));
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new DataTransferProtocolException($"A packet header does not parse: {exception.Message}", exception);
        }

        var dataLength = Header.DataLen;
        var checksumLength = dataLength < 0 || dataLength > bodyLength ? -1 : bodyLength - dataLength;
        if (checksumLength != ChunkChecksums.ChecksumBytes(Math.Max(dataLength, 0), BytesPerChecksum) || Header.OffsetInBlock < 0)
        {
            throw new DataTransferProtocolException(
                $"Packet {Header.Seqno} says data_len {dataLength} at offset {Header.OffsetInBlock} but carries {bodyLength} bytes of checksums and data (chunks of {BytesPerChecksum}).");
        }

        _checksumStart = DataTransferProtocol.PacketPrefixBytes + headerLength;
        _checksumLength = checksumLength;
        _dataStart = _checksumStart + checksumLength;
        _dataLength = dataLength;
        _dataCapacity = dataLength;
    }

    /// <summary>Grows the buffer to <paramref name="frameLength"/>, keeping the first <paramref name="keepBytes"/> already read at the front (the frame is forwarded whole).</summary>
    private void EnsureCapacity(int frameLength, int keepBytes)
    {
        if (_buffer.Length >= frameLength)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(frameLength);
        _buffer.AsSpan(0, keepBytes).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
