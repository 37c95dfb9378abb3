using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// Reads length-prefixed gRPC message frames from a pipe. The 5-byte header is checked as soon as
/// it arrives, so a compressed or oversized frame is refused before its body is buffered; the
/// buffered bytes therefore never exceed the limit plus one header.
/// </summary>
internal static class GrpcFrameReader
{
    /// <summary>Reads the next message; null at a clean end of stream (no byte of a further frame).</summary>
    public static async ValueTask<T?> ReadMessageAsync<T>(PipeReader reader, MessageParser<T> parser, int maxMessageBytes, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryGetFrame(buffer, maxMessageBytes, out var frameLength, out var body))
            {
                var message = Parse(parser, body);
                reader.AdvanceTo(buffer.GetPosition(frameLength));
                return message;
            }

            if (result.IsCompleted)
            {
                var length = buffer.Length;
                reader.AdvanceTo(buffer.End);
                return length == 0 ? null : throw Truncated(length);
            }

            ThrowIfCanceled(result, cancellationToken);
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Reads the one message of a unary or server-streaming request, then requires the end of the
    /// stream: a second message, or trailing bytes, is a protocol error.
    /// </summary>
    public static async ValueTask<T> ReadSingleMessageAsync<T>(PipeReader reader, MessageParser<T> parser, int maxMessageBytes, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var haveFrame = TryGetFrame(buffer, maxMessageBytes, out var frameLength, out var body);
            if (haveFrame && buffer.Length > frameLength)
            {
                reader.AdvanceTo(buffer.End);
                throw new RpcException(StatusCode.Internal, "Additional data after the single request message of this call");
            }

            if (result.IsCompleted)
            {
                if (!haveFrame)
                {
                    var length = buffer.Length;
                    reader.AdvanceTo(buffer.End);
                    throw length == 0
                        ? new RpcException(StatusCode.Internal, "Request stream ended without a message")
                        : Truncated(length);
                }

                var message = Parse(parser, body);
                reader.AdvanceTo(buffer.End);
                return message;
            }

            ThrowIfCanceled(result, cancellationToken);
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Checks a frame header and finds the frame's body once it is complete. Throws for a frame
    /// the server will not accept: compressed (we announce identity only) or above the limit.
    /// </summary>
    private static bool TryGetFrame(in ReadOnlySequence<byte> buffer, int maxMessageBytes, out long frameLength, out ReadOnlySequence<byte> body)
    {
        frameLength = 0;
        body = default;
        if (buffer.Length < GrpcProtocol.FrameHeaderBytes)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.FrameHeaderBytes];
        buffer.Slice(0, GrpcProtocol.FrameHeaderBytes).CopyTo(header);
        CheckHeader(header, maxMessageBytes, out var messageLength);
        frameLength = GrpcProtocol.FrameHeaderBytes + messageLength;
        if (buffer.Length < frameLength)
        {
            return false;
        }

        body = buffer.Slice(GrpcProtocol.FrameHeaderBytes, messageLength);
        return true;
    }

    /// <summary>Validates a 5-byte frame header; shared by the client's stream reader.</summary>
    public static void CheckHeader(ReadOnlySpan<byte> header, int maxMessageBytes, out uint messageLength)
    {
        switch (header[0])
        {
            case 0:
                break;
            case 1:
                throw new RpcException(StatusCode.Internal, "Received a compressed message, but compression is not supported (grpc-accept-encoding: identity)");
            default:
                throw new RpcException(StatusCode.Internal, $"Received a message frame with invalid flags 0x{header[0]:X2}");
        }

        messageLength = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (messageLength > (uint)maxMessageBytes)
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"Received message of {messageLength} bytes exceeds the limit of {maxMessageBytes} bytes");
        }
    }

    private static T Parse<T>(MessageParser<T> parser, in ReadOnlySequence<byte> body)
        where T : IMessage<T>
    {
        try
        {
            return body.IsSingleSegment ? parser.ParseFrom(body.FirstSpan) : parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(StatusCode.Internal, "Failed to deserialize the message: " + ex.Message, trailers: null, ex);
        }
    }

    private static RpcException Truncated(long bufferedBytes) =>
        new(StatusCode.Internal, $"Incomplete message: the stream ended after {bufferedBytes} bytes of a frame");

    private static void ThrowIfCanceled(in ReadResult result, CancellationToken cancellationToken)
    {
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("reading the message stream was canceled", cancellationToken);
        }
    }
}
