namespace CkptFS.Protocol.Grpc;

/// <summary>
/// A call that ended with a non-OK gRPC status. Handlers throw it to choose the status themselves;
/// the client throws it for every failed call that is not a <see cref="CkptFS.Common.CkptFsException"/>.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(StatusCode statusCode, string detail)
        : this(statusCode, detail, trailers: null, innerException: null)
    {
    }

    public RpcException(StatusCode statusCode, string detail, Metadata? trailers, Exception? innerException = null)
        : base($"Status({statusCode}, \"{detail}\")", innerException)
    {
        StatusCode = statusCode;
        Detail = detail;
        Trailers = trailers ?? new Metadata();
    }

    public StatusCode StatusCode { get; }

    /// <summary>The status message (<c>grpc-message</c>), already percent-decoded.</summary>
    public string Detail { get; }

    /// <summary>Trailers sent with the status (server: added to the response; client: as received).</summary>
    public Metadata Trailers { get; }
}
