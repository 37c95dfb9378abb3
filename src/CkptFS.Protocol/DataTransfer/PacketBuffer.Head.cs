namespace CkptFS.Protocol.DataTransfer;

/// <summary>
/// Receiving a packet in two steps, so that its data can land straight in the reader's own buffer
/// (no copy out of the packet): <see cref="ReadHeadAsync"/> reads and checks the prefix, header and
/// checksums exactly as <see cref="ReadAsync"/> does; then the caller reads exactly
/// <see cref="HeadDataLength"/> bytes from the stream, into its own memory or by <see cref="ReadDataAsync"/>.
/// </summary>
public sealed partial class PacketBuffer
{
    /// <summary>Data bytes that follow the head on the stream: valid after <see cref="ReadHeadAsync"/>.</summary>
    public int HeadDataLength => _dataLength;

    /// <summary>
    /// Reads one packet's prefix, header and checksums, not its data; false when the stream ended
    /// cleanly before the packet's first byte. Until <see cref="ReadDataAsync"/>, <see cref="Data"/> and
    /// <see cref="Frame"/> do not hold this packet's data.
    /// </summary>
    public async ValueTask<bool> ReadHeadAsync(Stream stream, int bytesPerChecksum, CancellationToken cancellationToken)
    {
        var (headerLength, bodyLength) = await ReadPrefixAsync(stream, bytesPerChecksum, cancellationToken).ConfigureAwait(false);
        if (headerLength < 0)
        {
            return false;
        }

        var headerEnd = DataTransferProtocol.PacketPrefixBytes + headerLength;
        EnsureCapacity(headerEnd, DataTransferProtocol.PacketPrefixBytes);
        await DataTransferCodec.ReadExactlyOrThrowAsync(stream, _buffer.AsMemory(DataTransferProtocol.PacketPrefixBytes, headerLength), "packet header", cancellationToken).ConfigureAwait(false);
        DecodeHeader(headerLength, bodyLength);
        EnsureCapacity(_dataStart, headerEnd);
        await DataTransferCodec.ReadExactlyOrThrowAsync(stream, _buffer.AsMemory(_checksumStart, _checksumLength), "packet checksums", cancellationToken).ConfigureAwait(false);
        _frameStart = 0;
        _frameLength = _dataStart;
        return true;
    }

    /// <summary>Reads the data of the packet whose head was read into this buffer, completing it as <see cref="ReadAsync"/> would.</summary>
    public async ValueTask ReadDataAsync(Stream stream, CancellationToken cancellationToken)
    {
        EnsureCapacity(_dataStart + _dataLength, _dataStart);
        await DataTransferCodec.ReadExactlyOrThrowAsync(stream, _buffer.AsMemory(_dataStart, _dataLength), "packet data", cancellationToken).ConfigureAwait(false);
        _frameLength = _dataStart + _dataLength;
    }
}
