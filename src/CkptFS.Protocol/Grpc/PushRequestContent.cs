using System.Net;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// The body of a streaming request: HttpClient hands us the request stream, the call's writer
/// writes frames into it as the application produces them, and completing the body (END_STREAM)
/// is the client's half-close.
/// </summary>
internal sealed class PushRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PushRequestContent()
    {
        Headers.ContentType = UnaryRequestContent.GrpcContentType;
    }

    /// <summary>Completes when HttpClient starts sending the body.</summary>
    public Task<Stream> StreamTask => _stream.Task;

    /// <summary>Ends the request body: HttpClient sends END_STREAM.</summary>
    public void Complete() => _completed.TrySetResult();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        await _completed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _completed.TrySetResult();
        }

        base.Dispose(disposing);
    }
}
