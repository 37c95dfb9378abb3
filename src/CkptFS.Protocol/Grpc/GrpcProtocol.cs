namespace CkptFS.Protocol.Grpc;

/// <summary>Wire constants of gRPC over HTTP/2 (grpc/doc/PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string IdentityEncoding = "identity";
    public const string TeHeader = "te";
    public const string TeTrailers = "trailers";
    public const string UserAgentHeader = "user-agent";

    /// <summary>CkptFS's own trailer: the <see cref="CkptFS.Common.ErrorCode"/> number behind a failed call.</summary>
    public const string ErrorCodeTrailer = "ckptfs-error-code";

    /// <summary>A message frame: 1 byte compressed flag, 4 bytes big-endian length, then the message.</summary>
    public const int FrameHeaderBytes = 5;

    /// <summary>
    /// True for headers the gRPC layer itself owns; they are not shown to applications as metadata
    /// and applications cannot set them.
    /// </summary>
    public static bool IsReservedHeader(string key) =>
        key.Length == 0
        || key[0] == ':'
        || key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase)
        || key.Equals("content-type", StringComparison.OrdinalIgnoreCase)
        || key.Equals(TeHeader, StringComparison.OrdinalIgnoreCase)
        || key.Equals("host", StringComparison.OrdinalIgnoreCase)
        || key.Equals("content-length", StringComparison.OrdinalIgnoreCase)
        || key.Equals(UserAgentHeader, StringComparison.OrdinalIgnoreCase)
        || key.Equals(ErrorCodeTrailer, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for <c>application/grpc</c> and its <c>+proto</c>/<c>;params</c> variants.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (contentType.Length == ContentType.Length)
        {
            return true;
        }

        var next = contentType[ContentType.Length];
        return next is '+' or ';';
    }
}
