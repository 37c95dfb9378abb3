namespace CkptFS.Protocol.Grpc;

/// <summary>
/// Marks connections accepted on the gRPC port (set by a connection middleware), so that the one
/// Kestrel server can send them to the dispatcher and everything else to routing.
/// </summary>
internal sealed class GrpcEndpointFeature
{
    public static readonly GrpcEndpointFeature Instance = new();
}
