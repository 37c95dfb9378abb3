using System.Buffers;
using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// Reads gRPC message frames from a response stream (the client side). Reads the header alone
/// first so nothing of the next frame is consumed, then the body into a pooled buffer.
/// </summary>
internal static class StreamFrameReader
{
    /// <summary>Reads the next message; null at a clean end of stream.</summary>
    public static async ValueTask<T?> ReadMessageAsync<T>(Stream stream, MessageParser<T> parser, int maxMessageBytes, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var buffer = ArrayPool<byte>.Shared.Rent(512);
        try
        {
            var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, GrpcProtocol.FrameHeaderBytes), GrpcProtocol.FrameHeaderBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            if (read < GrpcProtocol.FrameHeaderBytes)
            {
                throw new RpcException(StatusCode.Internal, $"Incomplete message: the response ended after {read} bytes of a frame header");
            }

            GrpcFrameReader.CheckHeader(buffer.AsSpan(0, GrpcProtocol.FrameHeaderBytes), maxMessageBytes, out var length);
            var size = (int)length;
            if (size > buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(size);
            }

            read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, size), size, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < size)
            {
                throw new RpcException(StatusCode.Internal, $"Incomplete message: the response ended after {read} of {size} bytes");
            }

            try
            {
                return parser.ParseFrom(buffer.AsSpan(0, size));
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new RpcException(StatusCode.Internal, "Failed to deserialize the response message: " + ex.Message, trailers: null, ex);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
