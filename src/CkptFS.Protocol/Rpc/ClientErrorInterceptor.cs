using System.Globalization;
using CkptFS.Common;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CkptFS.Protocol.Rpc;

/// <summary>
/// The client half of the error table: a failed call whose trailers carry <c>ckptfs-error-code</c>
/// is rethrown as the <see cref="CkptFsException"/> the server threw (same code, same message), so
/// SDK callers catch one exception type whichever side failed. Other failures stay
/// <see cref="RpcException"/>s (transport, deadline, cancel) for the caller's retry policy.
/// </summary>
public sealed class ClientErrorInterceptor : Interceptor
{
    public static readonly ClientErrorInterceptor Instance = new();

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        return new AsyncUnaryCall<TResponse>(TranslateAsync(call.ResponseAsync), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        return new AsyncServerStreamingCall<TResponse>(
            new TranslatingReader<TResponse>(call.ResponseStream), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    /// <summary>The CkptFsException a failed call stands for, or null when the server named no ErrorCode.</summary>
    public static CkptFsException? ToCkptFsException(RpcException exception)
    {
        var value = exception.Trailers.GetValue(ErrorCodeStatus.ErrorCodeTrailer);
        return value is not null && int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? new CkptFsException((ErrorCode)number, exception.Status.Detail, exception)
            : null;
    }

    private static async Task<TResponse> TranslateAsync<TResponse>(Task<TResponse> response)
    {
        try
        {
            return await response.ConfigureAwait(false);
        }
        catch (RpcException exception) when (ToCkptFsException(exception) is { } translated)
        {
            throw translated;
        }
    }

    private sealed class TranslatingReader<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                return await inner.MoveNext(cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException exception) when (ToCkptFsException(exception) is { } translated)
            {
                throw translated;
            }
        }
    }
}
