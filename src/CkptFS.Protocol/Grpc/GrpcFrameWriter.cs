using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>Writes length-prefixed gRPC message frames (never compressed: flag 0).</summary>
internal static class GrpcFrameWriter
{
    /// <summary>Below this a frame is serialized into one contiguous span, the fastest path.</summary>
    private const int ContiguousLimitBytes = 64 * 1024;

    /// <summary>Checks the size against the limit, then writes header and message.</summary>
    public static void Write(IBufferWriter<byte> writer, IMessage message, int maxMessageBytes)
    {
        var size = message.CalculateSize();
        CheckSize(size, maxMessageBytes);
        if (size <= ContiguousLimitBytes)
        {
            var span = writer.GetSpan(GrpcProtocol.FrameHeaderBytes + size);
            WriteHeader(span, size);
            message.WriteTo(span.Slice(GrpcProtocol.FrameHeaderBytes, size));
            writer.Advance(GrpcProtocol.FrameHeaderBytes + size);
            return;
        }

        WriteHeader(writer.GetSpan(GrpcProtocol.FrameHeaderBytes), size);
        writer.Advance(GrpcProtocol.FrameHeaderBytes);
        message.WriteTo(writer);
    }

    /// <summary>Serializes one frame into a pooled array; the caller returns it to <see cref="ArrayPool{T}.Shared"/>.</summary>
    public static byte[] WriteToPooledArray(IMessage message, int maxMessageBytes, out int length)
    {
        var size = message.CalculateSize();
        CheckSize(size, maxMessageBytes);
        length = GrpcProtocol.FrameHeaderBytes + size;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        WriteHeader(buffer, size);
        message.WriteTo(buffer.AsSpan(GrpcProtocol.FrameHeaderBytes, size));
        return buffer;
    }

    private static void WriteHeader(Span<byte> span, int size)
    {
        span[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)size);
    }

    private static void CheckSize(int size, int maxMessageBytes)
    {
        if (size > maxMessageBytes)
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"Sending message of {size} bytes exceeds the limit of {maxMessageBytes} bytes (MaxSendMessageBytes)");
        }
    }
}
