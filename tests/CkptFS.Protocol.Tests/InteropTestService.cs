using CkptFS.Common;
using CkptFS.Protocol.Grpc;
using CkptFS.Protocol.Testing.V1;

namespace CkptFS.Protocol.Tests;

/// <summary>The C# side of interop.proto; python/interop_server.py behaves the same.</summary>
internal sealed class InteropTestService
{
    /// <summary>The deadline of the last sleeping Echo, as the server saw it (from grpc-timeout).</summary>
    public DateTime? LastSleepDeadline { get; private set; }

    public static GrpcServiceRegistry CreateRegistry(InteropTestService? service = null)
    {
        service ??= new InteropTestService();
        return new GrpcServiceRegistry()
            .AddUnary(InteropMethods.Echo, service.EchoAsync)
            .AddServerStreaming(InteropMethods.Count, service.CountAsync)
            .AddClientStreaming(InteropMethods.Sum, service.SumAsync)
            .AddDuplexStreaming(InteropMethods.Chat, service.ChatAsync);
    }

    public async Task<EchoResponse> EchoAsync(EchoRequest request, ServerCallContext context)
    {
        if (request.SleepMs > 0)
        {
            LastSleepDeadline = context.Deadline;
            await Task.Delay(request.SleepMs, context.CancellationToken);
        }

        if (request.FailWithErrorCode != 0)
        {
            throw new CkptFsException((ErrorCode)request.FailWithErrorCode, request.Text);
        }

        if (request.FailWithStatus != 0)
        {
            throw new RpcException((StatusCode)request.FailWithStatus, request.Text);
        }

        var response = new EchoResponse { Text = request.Text, Payload = request.Payload };
        if (request.EchoHeader.Length > 0)
        {
            var header = context.RequestHeaders.GetValue(request.EchoHeader) ?? string.Empty;
            response.HeaderValue = header;
            context.ResponseTrailers.Add("x-echo-trailer", header);
        }

        return response;
    }

    public async Task CountAsync(CountRequest request, IServerStreamWriter<CountResponse> writer, ServerCallContext context)
    {
        for (var i = 1; i <= request.Count; i++)
        {
            await writer.WriteAsync(new CountResponse { Value = i });
        }

        if (request.ThenFailWithStatus != 0)
        {
            throw new RpcException((StatusCode)request.ThenFailWithStatus, $"failed after {request.Count}");
        }
    }

    public async Task<SumResponse> SumAsync(IAsyncStreamReader<SumRequest> requests, ServerCallContext context)
    {
        var response = new SumResponse();
        await foreach (var request in requests.ReadAllAsync())
        {
            response.Sum += request.Value;
            response.Count++;
        }

        return response;
    }

    public async Task ChatAsync(IAsyncStreamReader<EchoRequest> requests, IServerStreamWriter<EchoResponse> writer, ServerCallContext context)
    {
        await foreach (var request in requests.ReadAllAsync())
        {
            await writer.WriteAsync(await EchoAsync(request, context));
        }
    }
}
