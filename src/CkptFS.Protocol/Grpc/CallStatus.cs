using System.Globalization;
using System.Net.Http.Headers;
using CkptFS.Common;

namespace CkptFS.Protocol.Grpc;

/// <summary>The status a client read from grpc-status, grpc-message and ckptfs-error-code.</summary>
internal readonly record struct CallStatus(StatusCode Code, string Message, int? ErrorCode)
{
    /// <summary>Reads the status from response headers (Trailers-Only) or trailers; false when absent.</summary>
    public static bool TryRead(HttpHeaders headers, out CallStatus status)
    {
        status = default;
        var view = headers.NonValidated;
        if (!view.TryGetValues(GrpcProtocol.StatusHeader, out var statusValues)
            || !int.TryParse(First(statusValues), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return false;
        }

        var message = view.TryGetValues(GrpcProtocol.MessageHeader, out var messageValues)
            ? GrpcStatusMessage.Decode(First(messageValues))
            : string.Empty;
        int? errorCode = view.TryGetValues(GrpcProtocol.ErrorCodeTrailer, out var errorValues)
            && int.TryParse(First(errorValues), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;
        status = new CallStatus((StatusCode)code, message, errorCode);
        return true;
    }

    /// <summary>
    /// The exception for a failed call: CkptFsException when the server named an ErrorCode (so
    /// the SDK sees the same type the server threw), else RpcException with the trailers.
    /// </summary>
    public Exception ToException(HttpHeaders trailers) =>
        ErrorCode is { } number
            ? new CkptFsException((ErrorCode)number, Message)
            : new RpcException(Code, Message, ReadMetadata(trailers));

    public static Metadata ReadMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var header in headers.NonValidated)
        {
            if (GrpcProtocol.IsReservedHeader(header.Key))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                metadata.AddFromWire(header.Key.ToLowerInvariant(), value);
            }
        }

        return metadata;
    }

    private static string First(HeaderStringValues values)
    {
        foreach (var value in values)
        {
            return value;
        }

        return string.Empty;
    }
}
