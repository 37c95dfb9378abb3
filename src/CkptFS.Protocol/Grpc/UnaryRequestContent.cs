using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// The body of a unary request: one frame already serialized into a pooled array. No length is
/// declared (gRPC requests carry no content-length; HTTP/2 ends the body with END_STREAM).
/// </summary>
internal sealed class UnaryRequestContent : HttpContent
{
    private static readonly MediaTypeHeaderValue s_contentType = new(GrpcProtocol.ContentType);

    private byte[]? _frame;
    private readonly int _length;

    public UnaryRequestContent(byte[] frame, int length)
    {
        _frame = frame;
        _length = length;
        Headers.ContentType = s_contentType;
    }

    internal static MediaTypeHeaderValue GrpcContentType => s_contentType;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var frame = _frame ?? throw new ObjectDisposedException(nameof(UnaryRequestContent));
        return stream.WriteAsync(frame.AsMemory(0, _length), cancellationToken).AsTask();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    // The array goes back to the pool only here: the handler may serialize a request twice when
    // it retries on a fresh connection, so finishing one write does not free the buffer.
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _frame, null) is { } frame)
        {
            ArrayPool<byte>.Shared.Return(frame);
        }

        base.Dispose(disposing);
    }
}
