using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// One streaming call on the client (server, client or duplex streaming): the HTTP/2 request is
/// sent at once; the request body, when there is one, is pushed by <see cref="WriteAsync"/>; the
/// response is read message by message and the status taken from the headers (Trailers-Only) or
/// the trailers. Disposing an unfinished call cancels it (RST_STREAM).
/// </summary>
internal sealed class ClientCall : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly string _method;
    private readonly CallCancellation _cancellation;
    private readonly HttpRequestMessage _request;
    private readonly PushRequestContent? _requestBody;
    private readonly Task<HttpResponseMessage> _responseTask;
    private Task<Stream?>? _responseStreamTask;
    private HttpHeaders? _statusSource;
    private int _disposed;

    public ClientCall(GrpcChannel channel, string method, in CallOptions options, IMessage? singleRequest)
    {
        _channel = channel;
        _method = method;
        _cancellation = new CallCancellation(options, cancellable: true);
        HttpContent content;
        if (singleRequest is null)
        {
            _requestBody = new PushRequestContent();
            content = _requestBody;
        }
        else
        {
            var frame = GrpcFrameWriter.WriteToPooledArray(singleRequest, channel.Options.MaxSendMessageBytes, out var length);
            content = new UnaryRequestContent(frame, length);
        }

        _request = channel.CreateRequest(method, options, _cancellation, content);
        _responseTask = channel.SendAsync(_request, _cancellation.Token);
    }

    /// <summary>The trailers of a finished call; throws while it is still running.</summary>
    public Metadata GetTrailers() =>
        _statusSource is { } source
            ? CallStatus.ReadMetadata(source)
            : throw new InvalidOperationException($"the call {_method} has not finished; trailers come with its status");

    public async Task WriteAsync(IMessage message, CancellationToken cancellationToken)
    {
        var body = _requestBody ?? throw new InvalidOperationException($"the call {_method} has no request stream");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancellation.Token);
        byte[]? frame = null;
        try
        {
            if (!body.StreamTask.IsCompleted)
            {
                await Task.WhenAny(body.StreamTask, _responseTask).WaitAsync(linked.Token).ConfigureAwait(false);
                if (!body.StreamTask.IsCompleted)
                {
                    // The call ended before its body started: its outcome is the error to report.
                    await ThrowCallOutcomeAsync().ConfigureAwait(false);
                }
            }

            var stream = await body.StreamTask.ConfigureAwait(false);
            frame = GrpcFrameWriter.WriteToPooledArray(message, _channel.Options.MaxSendMessageBytes, out var length);
            await stream.WriteAsync(frame.AsMemory(0, length), linked.Token).ConfigureAwait(false);
            await stream.FlushAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RpcException && _responseTask.IsCompletedSuccessfully && TryGetFinishedStatusError(out var statusError))
        {
            throw statusError;
        }
        catch (Exception ex) when (ClientErrors.TryMap(ex, _cancellation, _channel.Address, _method, out var mapped))
        {
            throw mapped;
        }
        finally
        {
            if (frame is not null)
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }
    }

    public void CompleteRequest() => _requestBody?.Complete();

    public async IAsyncEnumerable<T> ReadAllAsync<T>(MessageParser<T> parser, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancellation.Token) : null;
        var token = linked?.Token ?? _cancellation.Token;
        while (true)
        {
            T? message;
            try
            {
                message = await ReadNextAsync(parser, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ClientErrors.TryMap(ex, _cancellation, _channel.Address, _method, out var mapped))
            {
                throw mapped;
            }

            if (message is null)
            {
                yield break;
            }

            yield return message;
        }
    }

    public async Task<T> ReadSingleAsync<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        try
        {
            var message = await ReadNextAsync(parser, _cancellation.Token).ConfigureAwait(false)
                ?? throw new RpcException(StatusCode.Internal, $"{_channel.Address} ended {_method} with status OK but no response message");
            if (await ReadNextAsync(parser, _cancellation.Token).ConfigureAwait(false) is not null)
            {
                throw new RpcException(StatusCode.Internal, $"{_channel.Address} sent more than one response message for {_method}");
            }

            return message;
        }
        catch (Exception ex) when (ClientErrors.TryMap(ex, _cancellation, _channel.Address, _method, out var mapped))
        {
            throw mapped;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_statusSource is null)
        {
            _cancellation.Cancel();
        }

        _requestBody?.Complete();
        if (_responseTask.IsCompletedSuccessfully)
        {
            _responseTask.Result.Dispose();
        }

        _request.Dispose();
        _cancellation.Dispose();
    }

    /// <summary>The next message, or null once the call ended with OK; a non-OK end throws its status.</summary>
    private async ValueTask<T?> ReadNextAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var stream = await (_responseStreamTask ??= OpenResponseAsync()).ConfigureAwait(false);
        var response = await _responseTask.ConfigureAwait(false);
        if (stream is not null
            && await StreamFrameReader.ReadMessageAsync(stream, parser, _channel.Options.MaxReceiveMessageBytes, cancellationToken).ConfigureAwait(false) is { } message)
        {
            return message;
        }

        var source = stream is null ? response.Headers : response.TrailingHeaders;
        var status = GrpcChannel.ReadFinalStatus(source, _channel.Address, _method);
        _statusSource = source;
        return status.Code == StatusCode.OK ? null : throw status.ToException(source);
    }

    /// <summary>The response body, or null for a Trailers-Only response (the status is in the headers).</summary>
    private async Task<Stream?> OpenResponseAsync()
    {
        var response = await _responseTask.ConfigureAwait(false);
        return GrpcChannel.CheckResponseHeaders(response, _channel.Address, _method)
            ? null
            : await response.Content.ReadAsStreamAsync(_cancellation.Token).ConfigureAwait(false);
    }

    private async Task ThrowCallOutcomeAsync()
    {
        var response = await _responseTask.ConfigureAwait(false);
        if (TryGetFinishedStatusError(out var error))
        {
            throw error;
        }

        response.Dispose();
        throw new RpcException(StatusCode.Internal, $"{_channel.Address} ended {_method} before the request stream started");
    }

    private bool TryGetFinishedStatusError(out Exception error)
    {
        error = null!;
        var response = _responseTask.Result;
        if (CallStatus.TryRead(response.Headers, out var status) || CallStatus.TryRead(response.TrailingHeaders, out status))
        {
            if (status.Code != StatusCode.OK)
            {
                error = status.ToException(response.TrailingHeaders);
                return true;
            }
        }

        return false;
    }
}
