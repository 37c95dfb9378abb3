using Grpc.Health.V1;

namespace CkptFS.Protocol.Grpc;

/// <summary>The standard grpc.health.v1.Health methods, for servers and for probes in the CLI and tests.</summary>
public static class HealthMethods
{
    public const string ServiceName = "grpc.health.v1.Health";

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> Check =
        Method.Unary<HealthCheckRequest, HealthCheckResponse>(ServiceName, "Check");

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> Watch =
        Method.ServerStreaming<HealthCheckRequest, HealthCheckResponse>(ServiceName, "Watch");
}
