using System.Net.Http;
using System.Net.Sockets;
using CkptFS.Common;

namespace CkptFS.Protocol.Grpc;

/// <summary>
/// Turns what HttpClient throws into the call's outcome: the deadline or the caller's cancel when
/// one of them fired, else a transport failure as UNAVAILABLE/INTERNAL with a message that names
/// the address and what happened. Status-carrying exceptions pass through.
/// </summary>
internal static class ClientErrors
{
    public static bool TryMap(Exception exception, in CallCancellation cancellation, string address, string method, out Exception mapped)
    {
        mapped = exception;
        if (exception is RpcException or CkptFsException)
        {
            return false;
        }

        if (cancellation.DeadlineExpired)
        {
            mapped = new RpcException(StatusCode.DeadlineExceeded, $"Deadline exceeded calling {method} on {address}", trailers: null, exception);
            return true;
        }

        if (cancellation.CallerCancelled)
        {
            mapped = new RpcException(StatusCode.Cancelled, $"Call {method} on {address} cancelled by the caller", trailers: null, exception);
            return true;
        }

        mapped = exception switch
        {
            HttpRequestException { InnerException: SocketException socket } =>
                new RpcException(StatusCode.Unavailable, $"cannot connect to {address}: {socket.Message}", trailers: null, exception),
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } =>
                new RpcException(StatusCode.Unavailable, $"cannot connect to {address}: {exception.Message}", trailers: null, exception),
            HttpRequestException { InnerException: HttpProtocolException protocol } => FromProtocolError(protocol, address, method),
            HttpProtocolException protocol => FromProtocolError(protocol, address, method),
            HttpRequestException or IOException =>
                new RpcException(StatusCode.Unavailable, $"call {method} to {address} failed: {exception.Message}", trailers: null, exception),
            OperationCanceledException =>
                new RpcException(StatusCode.Cancelled, $"Call {method} on {address} was cancelled", trailers: null, exception),
            _ => exception,
        };
        return !ReferenceEquals(mapped, exception);
    }

    /// <summary>An HTTP/2 RST_STREAM or GOAWAY code, mapped as PROTOCOL-HTTP2.md's table says.</summary>
    private static RpcException FromProtocolError(HttpProtocolException protocol, string address, string method)
    {
        var status = protocol.ErrorCode switch
        {
            0x7 => StatusCode.Unavailable,        // REFUSED_STREAM: not processed, safe to retry
            0x8 => StatusCode.Cancelled,          // CANCEL
            0xB => StatusCode.ResourceExhausted,  // ENHANCE_YOUR_CALM
            0xC => StatusCode.PermissionDenied,   // INADEQUATE_SECURITY
            _ => StatusCode.Internal,
        };
        return new RpcException(status, $"call {method} to {address} reset by the peer (HTTP/2 error 0x{protocol.ErrorCode:X}): {protocol.Message}", trailers: null, protocol);
    }
}
