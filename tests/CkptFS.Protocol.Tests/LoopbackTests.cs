using System.Net;
using CkptFS.Common;
using CkptFS.Protocol.Grpc;
using CkptFS.Protocol.Testing.V1;
using Google.Protobuf;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace CkptFS.Protocol.Tests;

/// <summary>Our client against our server, every call shape and every way a call can end.</summary>
public sealed class LoopbackTests
{
    private static readonly TimeSpan s_timeout = TestServer.Timeout;

    [Fact]
    public async Task UnaryEchoesAndCarriesMetadataBothWays()
    {
        await using var server = await TestServer.StartAsync();
        var headers = new Metadata().Add("x-request-tag", "tag-42");
        var response = await server.Channel.UnaryAsync(
            InteropMethods.Echo,
            new EchoRequest { Text = "hello", Payload = ByteString.CopyFrom(1, 2, 3), EchoHeader = "x-request-tag" },
            new CallOptions(Headers: headers)).WaitAsync(s_timeout);
        Assert.Equal("hello", response.Text);
        Assert.Equal([1, 2, 3], response.Payload.ToByteArray());
        Assert.Equal("tag-42", response.HeaderValue);
    }

    [Fact]
    public async Task ServerStreamingDeliversEveryMessageThenTrailers()
    {
        await using var server = await TestServer.StartAsync();
        using var call = server.Channel.ServerStreaming(InteropMethods.Count, new CountRequest { Count = 50 });
        var values = new List<int>();
        await foreach (var item in call.ResponseStream.ReadAllAsync().WithCancellation(new CancellationTokenSource(s_timeout).Token))
        {
            values.Add(item.Value);
        }

        Assert.Equal(Enumerable.Range(1, 50), values);
        Assert.NotNull(call.GetTrailers());
    }

    [Fact]
    public async Task ServerStreamingErrorAfterMessagesArrivesInTrailers()
    {
        await using var server = await TestServer.StartAsync();
        using var call = server.Channel.ServerStreaming(InteropMethods.Count, new CountRequest { Count = 3, ThenFailWithStatus = (int)StatusCode.Aborted });
        var values = new List<int>();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var item in call.ResponseStream.ReadAllAsync())
            {
                values.Add(item.Value);
            }
        }).WaitAsync(s_timeout);
        Assert.Equal([1, 2, 3], values);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("failed after 3", error.Detail);
    }

    [Fact]
    public async Task ClientStreamingSumsEveryMessage()
    {
        await using var server = await TestServer.StartAsync();
        using var call = server.Channel.ClientStreaming(InteropMethods.Sum);
        for (var i = 1; i <= 100; i++)
        {
            await call.RequestStream.WriteAsync(new SumRequest { Value = i }).WaitAsync(s_timeout);
        }

        await call.RequestStream.CompleteAsync().WaitAsync(s_timeout);
        var response = await call.ResponseAsync.WaitAsync(s_timeout);
        Assert.Equal(5050, response.Sum);
        Assert.Equal(100, response.Count);
    }

    [Fact]
    public async Task DuplexAnswersEachMessageAsItArrives()
    {
        await using var server = await TestServer.StartAsync();
        using var call = server.Channel.DuplexStreaming(InteropMethods.Chat);
        await using var responses = call.ResponseStream.ReadAllAsync().GetAsyncEnumerator();
        for (var i = 0; i < 5; i++)
        {
            // The next request is sent only after the previous answer: each is flushed on its own.
            await call.RequestStream.WriteAsync(new EchoRequest { Text = $"m{i}" }).WaitAsync(s_timeout);
            Assert.True(await responses.MoveNextAsync().AsTask().WaitAsync(s_timeout));
            Assert.Equal($"m{i}", responses.Current.Text);
        }

        await call.RequestStream.CompleteAsync().WaitAsync(s_timeout);
        Assert.False(await responses.MoveNextAsync().AsTask().WaitAsync(s_timeout));
    }

    [Fact]
    public async Task CkptFsExceptionComesBackAsTheSameErrorCode()
    {
        await using var server = await TestServer.StartAsync();
        var error = await Assert.ThrowsAsync<CkptFsException>(() => server.Channel.UnaryAsync(
            InteropMethods.Echo, new EchoRequest { Text = "/a/b is being written by client-7 — ungültig", FailWithErrorCode = (int)ErrorCode.LeaseHeldByOther })).WaitAsync(s_timeout);
        Assert.Equal(ErrorCode.LeaseHeldByOther, error.Code);
        Assert.Equal("/a/b is being written by client-7 — ungültig", error.Message);
    }

    [Fact]
    public async Task RpcExceptionKeepsStatusAndNonAsciiMessage()
    {
        await using var server = await TestServer.StartAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Channel.UnaryAsync(
            InteropMethods.Echo, new EchoRequest { Text = "ungültig — 失败", FailWithStatus = (int)StatusCode.InvalidArgument })).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("ungültig — 失败", error.Detail);
    }

    [Fact]
    public async Task HandlerBugIsInternalAndLoggedWithTheMethod()
    {
        var registry = new GrpcServiceRegistry().AddUnary(InteropMethods.Echo, (_, _) => throw new InvalidOperationException("secret detail"));
        await using var server = await TestServer.StartAsync(registry: registry);
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Channel.UnaryAsync(InteropMethods.Echo, new EchoRequest())).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain("secret", error.Detail, StringComparison.Ordinal);
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(InteropMethods.Echo.FullName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeadlineExpiresOnBothSides()
    {
        var service = new InteropTestService();
        await using var server = await TestServer.StartAsync(registry: InteropTestService.CreateRegistry(service));
        var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(200);
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Channel.UnaryAsync(
            InteropMethods.Echo, new EchoRequest { SleepMs = 10_000 }, new CallOptions(Deadline: deadline))).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);

        // The server got the same deadline through grpc-timeout (rounded up, never shorter), and
        // the call's end was no handler failure: whichever of the server's timer and the client's
        // RST_STREAM came first, the handler's token fired.
        Assert.NotNull(service.LastSleepDeadline);
        Assert.InRange(service.LastSleepDeadline.Value, deadline - TimeSpan.FromMilliseconds(1), deadline + TimeSpan.FromMilliseconds(100));
        await WaitUntilAsync(() => server.Logs.Entries.Any(e => e.Message.Contains("exceeded its deadline", StringComparison.Ordinal) || e.Message.Contains("cancelled by the client", StringComparison.Ordinal)));
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task UnknownMethodIsUnimplemented()
    {
        await using var server = await TestServer.StartAsync();
        var missing = Method.Unary<EchoRequest, EchoResponse>(InteropMethods.ServiceName, "NoSuchMethod");
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Channel.UnaryAsync(missing, new EchoRequest())).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Contains("NoSuchMethod", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedRequestIsResourceExhausted()
    {
        await using var server = await TestServer.StartAsync(new GrpcServerOptions { MaxReceiveMessageBytes = 1024 });
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Channel.UnaryAsync(
            InteropMethods.Echo, new EchoRequest { Payload = ByteString.CopyFrom(new byte[4096]) })).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        var ok = await server.Channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = "small" }).WaitAsync(s_timeout);
        Assert.Equal("small", ok.Text);
    }

    [Fact]
    public async Task ConnectionRefusedNamesTheAddress()
    {
        int port;
        await using (var server = await TestServer.StartAsync())
        {
            port = server.Host.GrpcPort;
        }

        using var channel = GrpcChannel.ForAddress($"127.0.0.1:{port}");
        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(InteropMethods.Echo, new EchoRequest())).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains($"cannot connect to 127.0.0.1:{port}", error.Detail, StringComparison.Ordinal);
        Assert.Contains("refused", error.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task HealthCheckAndWatchFollowSetStatus()
    {
        await using var server = await TestServer.StartAsync();
        var whole = await server.Channel.UnaryAsync(HealthMethods.Check, new HealthCheckRequest()).WaitAsync(s_timeout);
        Assert.Equal(ServingStatus.Serving, whole.Status);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => server.Channel.UnaryAsync(HealthMethods.Check, new HealthCheckRequest { Service = "nope" })).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        using var watch = server.Channel.ServerStreaming(HealthMethods.Watch, new HealthCheckRequest { Service = "ckptfs.v1.ClientProtocol" });
        await using var updates = watch.ResponseStream.ReadAllAsync().GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal(ServingStatus.ServiceUnknown, updates.Current.Status);
        server.Host.Health.SetStatus("ckptfs.v1.ClientProtocol", ServingStatus.Serving);
        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal(ServingStatus.Serving, updates.Current.Status);
        server.Host.Health.SetStatus("ckptfs.v1.ClientProtocol", ServingStatus.NotServing);
        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal(ServingStatus.NotServing, updates.Current.Status);
    }

    [Fact]
    public async Task HttpPortServesRoutesAndGrpcPortServesGrpc()
    {
        var options = new GrpcServerOptions { HttpPort = 0 };
        var loggerFactory = LoggerFactory.Create(_ => { });
        await using var host = await GrpcServerHost.StartAsync(
            options, InteropTestService.CreateRegistry(), loggerFactory, routes => routes.MapGet("/healthz", () => "ok"), CancellationToken.None).WaitAsync(s_timeout);
        Assert.NotNull(host.HttpPort);
        Assert.NotEqual(host.GrpcPort, host.HttpPort);

        using var http = new HttpClient();
        var body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{host.HttpPort}/healthz")).WaitAsync(s_timeout);
        Assert.Equal("ok", body);

        using var channel = GrpcChannel.ForAddress(host.GrpcAddress);
        var response = await channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = "grpc" }).WaitAsync(s_timeout);
        Assert.Equal("grpc", response.Text);

        // The HTTP port is never the dispatcher's: it serves HTTP/1.1 only (cleartext HTTP/2 would need TLS negotiation)
        // (no ALPN without TLS), so a gRPC call there fails, with the address in the message.
        using var wrongPort = GrpcChannel.ForAddress($"127.0.0.1:{host.HttpPort}");
        var error = await Assert.ThrowsAsync<RpcException>(() => wrongPort.UnaryAsync(InteropMethods.Echo, new EchoRequest())).WaitAsync(s_timeout);
        Assert.Contains($"127.0.0.1:{host.HttpPort}", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopEndsWatchStreamsPromptly()
    {
        var server = await TestServer.StartAsync(new GrpcServerOptions { ShutdownTimeout = TimeSpan.FromSeconds(10) });
        using var watch = server.Channel.ServerStreaming(HealthMethods.Watch, new HealthCheckRequest());
        await using var updates = watch.ResponseStream.ReadAllAsync().GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(s_timeout));
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await server.DisposeAsync();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"stop took {stopwatch.Elapsed}");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
