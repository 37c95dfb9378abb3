using CkptFS.Protocol.Grpc;
using CkptFS.Protocol.Testing.V1;

namespace CkptFS.Protocol.Tests;

internal static class InteropMethods
{
    public const string ServiceName = "ckptfs.testing.v1.InteropTest";

    public static readonly Method<EchoRequest, EchoResponse> Echo = Method.Unary<EchoRequest, EchoResponse>(ServiceName, "Echo");
    public static readonly Method<CountRequest, CountResponse> Count = Method.ServerStreaming<CountRequest, CountResponse>(ServiceName, "Count");
    public static readonly Method<SumRequest, SumResponse> Sum = Method.ClientStreaming<SumRequest, SumResponse>(ServiceName, "Sum");
    public static readonly Method<EchoRequest, EchoResponse> Chat = Method.Duplex<EchoRequest, EchoResponse>(ServiceName, "Chat");
}
