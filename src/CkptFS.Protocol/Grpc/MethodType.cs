namespace CkptFS.Protocol.Grpc;

/// <summary>The four gRPC call shapes: how many messages flow each way.</summary>
public enum MethodType
{
    /// <summary>One request, one response.</summary>
    Unary,

    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming,

    /// <summary>A stream of requests, one response.</summary>
    ClientStreaming,

    /// <summary>A stream each way, interleaved as the two sides choose.</summary>
    DuplexStreaming,
}
