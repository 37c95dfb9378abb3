using System.Buffers;
using System.Buffers.Binary;
using CkptFS.Protocol.V1;
using Google.Protobuf;

namespace CkptFS.Protocol.DataTransfer;

/// <summary>
/// Reads and writes the framing of data_transfer.proto over a stream: op requests
/// (u16 version | u8 op | varint32 len | header) and varint32-delimited messages. Buffers come from
/// <see cref="ArrayPool{T}.Shared"/>; every length is checked against its limit before anything is
/// rented, so a lying peer costs a <see cref="DataTransferProtocolException"/>, not memory.
/// Reads of varints go byte by byte: give this a buffered stream on the read side.
/// </summary>
public static class DataTransferCodec
{
    /// <summary>Sends one op request in a single write.</summary>
    public static async ValueTask WriteRequestAsync(Stream stream, DataTransferOp op, IMessage header, CancellationToken cancellationToken)
    {
        var headerSize = header.CalculateSize();
        var total = DataTransferProtocol.RequestPrefixBytes + CodedOutputStream.ComputeLengthSize(headerSize) + headerSize;
        var buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer, DataTransferProtocol.Version);
            buffer[2] = checked((byte)op);
            var at = DataTransferProtocol.RequestPrefixBytes + WriteVarint32(buffer.AsSpan(DataTransferProtocol.RequestPrefixBytes), (uint)headerSize);
            header.WriteTo(buffer.AsSpan(at, headerSize));
            await stream.WriteAsync(buffer.AsMemory(0, total), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one op request; null when the peer closed the connection before sending a byte.</summary>
    public static async ValueTask<DataTransferRequest?> ReadRequestAsync(Stream stream, CancellationToken cancellationToken)
    {
        var prefix = new byte[DataTransferProtocol.RequestPrefixBytes];
        var read = await stream.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < prefix.Length)
        {
            throw new DataTransferProtocolException($"The connection closed after {read} bytes of a request.");
        }

        var version = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        if (version != DataTransferProtocol.Version)
        {
            throw new DataTransferProtocolException($"Unsupported data transfer version {version} (this node speaks {DataTransferProtocol.Version}).");
        }

        var op = (DataTransferOp)prefix[2];
        if (op is not (DataTransferOp.WriteBlock or DataTransferOp.ReadBlock or DataTransferOp.TransferBlock or DataTransferOp.InitReplicaRecovery
    or DataTransferOp.UpdateReplicaUnderRecovery))
        {
            throw new DataTransferProtocolException($"Unknown or unsupported data transfer op {prefix[2]}.");
        }

        var length = await ReadVarint32Async(stream, DataTransferProtocol.MaxMessageBytes, cancellationToken).ConfigureAwait(false);
        var header = new byte[length];
        await ReadExactlyOrThrowAsync(stream, header, "request header", cancellationToken).ConfigureAwait(false);
        return new DataTransferRequest(op, header);
    }

    /// <summary>Sends one varint32-delimited message in a single write.</summary>
    public static async ValueTask WriteMessageAsync(Stream stream, IMessage message, CancellationToken cancellationToken)
    {
        var size = message.CalculateSize();
        var total = CodedOutputStream.ComputeLengthSize(size) + size;
        var buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var at = WriteVarint32(buffer, (uint)size);
            message.WriteTo(buffer.AsSpan(at, size));
            await stream.WriteAsync(buffer.AsMemory(0, total), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one varint32-delimited message of at most <see cref="DataTransferProtocol.MaxMessageBytes"/>.</summary>
    public static async ValueTask<T> ReadMessageAsync<T>(Stream stream, MessageParser<T> parser, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        var length = await ReadVarint32Async(stream, DataTransferProtocol.MaxMessageBytes, cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            await ReadExactlyOrThrowAsync(stream, buffer.AsMemory(0, length), typeof(T).Name, cancellationToken).ConfigureAwait(false);
            return parser.ParseFrom(buffer.AsSpan(0, length));
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new DataTransferProtocolException($"A {typeof(T).Name} does not parse: {exception.Message}", exception);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads a varint32 (at most 5 bytes) and checks it against <paramref name="limit"/>.</summary>
    public static async ValueTask<int> ReadVarint32Async(Stream stream, int limit, CancellationToken cancellationToken)
    {
        var one = ArrayPool<byte>.Shared.Rent(1);
        try
        {
            uint value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                await ReadExactlyOrThrowAsync(stream, one.AsMemory(0, 1), "length", cancellationToken).ConfigureAwait(false);
                value |= (uint)(one[0] & 0x7F) << shift;
                if ((one[0] & 0x80) == 0)
                {
                    return value <= (uint)limit
                        ? (int)value
                        : throw new DataTransferProtocolException($"A message length of {value} bytes is over the limit of {limit}.");
                }
            }

            throw new DataTransferProtocolException("A message length varint runs past 5 bytes.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(one);
        }
    }

    /// <summary>Reads exactly <paramref name="buffer"/>'s length; a stream that ends first breaks the protocol.</summary>
    public static async ValueTask ReadExactlyOrThrowAsync(Stream stream, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < buffer.Length)
        {
            throw new DataTransferProtocolException($"The connection closed after {read} of {buffer.Length} bytes of a {what}.");
        }
    }

    private static int WriteVarint32(Span<byte> destination, uint value)
    {
        var at = 0;
        while (value >= 0x80)
        {
            destination[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[at++] = (byte)value;
        return at;
    }
}
