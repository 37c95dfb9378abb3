using CkptFS.Common;
using CkptFS.Protocol.Testing.V1;
using Grpc.Core;

namespace CkptFS.Protocol.Tests;

/// <summary>The C# side of interop.proto on grpc-dotnet; python/interop_server.py behaves the same.</summary>
internal sealed class InteropTestService : InteropTest.InteropTestBase
{
    /// <summary>The deadline of the last sleeping Echo, as the server saw it (from grpc-timeout).</summary>
    public DateTime? LastSleepDeadline { get; private set; }

    public override async Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context)
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

        if (request.FailWithStatus == -1)
        {
            throw new InvalidOperationException("a handler bug (injected by the test)");
        }

        if (request.FailWithStatus != 0)
        {
            throw new RpcException(new Status((StatusCode)request.FailWithStatus, request.Text));
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

    public override async Task Count(CountRequest request, IServerStreamWriter<CountResponse> responseStream, ServerCallContext context)
    {
        for (var i = 1; i <= request.Count; i++)
        {
            await responseStream.WriteAsync(new CountResponse { Value = i });
        }

        if (request.ThenFailWithStatus != 0)
        {
            throw new RpcException(new Status((StatusCode)request.ThenFailWithStatus, $"failed after {request.Count}"));
        }
    }

    public override async Task<SumResponse> Sum(IAsyncStreamReader<SumRequest> requestStream, ServerCallContext context)
    {
        var response = new SumResponse();
        await foreach (var request in requestStream.ReadAllAsync())
        {
            response.Sum += request.Value;
            response.Count++;
        }

        return response;
    }

    public override async Task Chat(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoResponse> responseStream, ServerCallContext context)
    {
        await foreach (var request in requestStream.ReadAllAsync())
        {
            await responseStream.WriteAsync(await Echo(request, context));
        }
    }
}
