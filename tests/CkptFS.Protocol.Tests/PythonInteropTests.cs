using System.Text.Json;
using CkptFS.Protocol.Rpc;
using Google.Protobuf;
using CkptFS.Protocol.Testing.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace CkptFS.Protocol.Tests;

/// <summary>Wire compatibility both ways with Debian's python3-grpcio (C-core).</summary>
public sealed class PythonInteropTests : IClassFixture<PythonFixture>
{
    private const string NonAscii = "ungültig — 失败";
    private static readonly TimeSpan s_timeout = TestServer.Timeout;
    private readonly PythonFixture _python;

    public PythonInteropTests(PythonFixture python)
    {
        _python = python;
    }

    [Fact]
    public async Task PythonClientPassesEveryCaseAgainstOurServer()
    {
        var started = DateTime.UtcNow;
        await using var server = await TestServer.StartAsync();
        var service = server.Service;
        var info = PythonFixture.StartInfo(_python.Script("interop_client.py"), _python.StubsDir, server.Host.Address);
        var (exitCode, stdout, stderr) = await Task.Run(() => PythonFixture.Run(info)).WaitAsync(PythonFixture.ProcessTimeout * 2);
        var results = JsonSerializer.Deserialize<Dictionary<string, string>>(stdout.Trim())
            ?? throw new InvalidOperationException("no results: " + stderr);
        var failures = results.Where(r => r.Value != "ok").Select(r => $"{r.Key}: {r.Value}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures) + stderr);
        Assert.Equal(0, exitCode);
        Assert.True(results.Count >= 10, stdout);

        // The deadline case reached our server as grpc-timeout (0.3 s), and its end was no failure.
        // (Whether our timer or the client's RST_STREAM ends it first is a race: both are fine.)
        Assert.NotNull(service.LastSleepDeadline);
        Assert.InRange(service.LastSleepDeadline.Value, started, DateTime.UtcNow);
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task UnaryWithMetadataAgainstPython()
    {
        var (server, address) = await PythonServer.StartAsync(_python);
        using var _ = server;
        using var channel = RpcChannel.ForAddress(address);
        var client = new InteropTest.InteropTestClient(RpcChannel.Invoker(channel));
        var response = await client.EchoAsync(
            new EchoRequest { Text = "hi", EchoHeader = "x-request-tag" },
            new Metadata { { "x-request-tag", "tag-7" } }).ResponseAsync.WaitAsync(s_timeout);
        Assert.Equal("hi", response.Text);
        Assert.Equal("tag-7", response.HeaderValue);
    }

    [Fact]
    public async Task StreamingCallsAgainstPython()
    {
        var (server, address) = await PythonServer.StartAsync(_python);
        using var _ = server;
        using var channel = RpcChannel.ForAddress(address);
        var client = new InteropTest.InteropTestClient(RpcChannel.Invoker(channel));

        using var count = client.Count(new CountRequest { Count = 10 });
        var values = new List<int>();
        await foreach (var item in count.ResponseStream.ReadAllAsync().WithCancellation(new CancellationTokenSource(s_timeout).Token))
        {
            values.Add(item.Value);
        }

        Assert.Equal(Enumerable.Range(1, 10), values);

        using var sum = client.Sum();
        for (var i = 1; i <= 10; i++)
        {
            await sum.RequestStream.WriteAsync(new SumRequest { Value = i }).WaitAsync(s_timeout);
        }

        await sum.RequestStream.CompleteAsync().WaitAsync(s_timeout);
        Assert.Equal(55, (await sum.ResponseAsync.WaitAsync(s_timeout)).Sum);

        using var chat = client.Chat();
        await using var replies = chat.ResponseStream.ReadAllAsync().GetAsyncEnumerator();
        await chat.RequestStream.WriteAsync(new EchoRequest { Text = "one" }).WaitAsync(s_timeout);
        Assert.True(await replies.MoveNextAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal("one", replies.Current.Text);
        await chat.RequestStream.CompleteAsync().WaitAsync(s_timeout);
        Assert.False(await replies.MoveNextAsync().AsTask().WaitAsync(s_timeout));
    }

    [Fact]
    public async Task ErrorStatusWithNonAsciiMessageFromPython()
    {
        var (server, address) = await PythonServer.StartAsync(_python);
        using var _ = server;
        using var channel = RpcChannel.ForAddress(address);
        var client = new InteropTest.InteropTestClient(RpcChannel.Invoker(channel));
        var error = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(
            new EchoRequest { Text = NonAscii, FailWithStatus = (int)StatusCode.InvalidArgument }).ResponseAsync).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(NonAscii, error.Status.Detail);

        using var count = client.Count(new CountRequest { Count = 2, ThenFailWithStatus = (int)StatusCode.Aborted });
        var streamError = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var item in count.ResponseStream.ReadAllAsync())
            {
                Assert.InRange(item.Value, 1, 2);
            }
        }).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.Aborted, streamError.StatusCode);
    }

    [Fact]
    public async Task DeadlineExpiresOnBothSidesWithPython()
    {
        var (server, address) = await PythonServer.StartAsync(_python);
        using var _ = server;
        using var channel = RpcChannel.ForAddress(address);
        var client = new InteropTest.InteropTestClient(RpcChannel.Invoker(channel));
        var error = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(
            new EchoRequest { SleepMs = 5000 }, deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);

        // grpc-timeout reached the python server: its call carried the same deadline. (Which side
        // acts first at expiry is a race, so the server's view is checked at the start of the call.)
        for (var i = 0; i < 300 && server.FindLine("TIME_REMAINING ") is null; i++)
        {
            await Task.Delay(10);
        }

        var remaining = server.FindLine("TIME_REMAINING ");
        Assert.True(remaining is not null && remaining != "none", server.Output);
        Assert.InRange(double.Parse(remaining, System.Globalization.CultureInfo.InvariantCulture), 0.0, 0.31);
    }

    [Fact]
    public async Task HealthAndUnknownMethodAgainstPython()
    {
        var (server, address) = await PythonServer.StartAsync(_python);
        using var _ = server;
        using var channel = RpcChannel.ForAddress(address);
        var client = new InteropTest.InteropTestClient(RpcChannel.Invoker(channel));
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(s_timeout);
        Assert.Equal(ServingStatus.Serving, health.Status);

        var missing = new Method<EchoRequest, EchoResponse>(MethodType.Unary, InteropTest.Descriptor.FullName, "NoSuchMethod",
            Marshallers.Create(m => m.ToByteArray(), EchoRequest.Parser.ParseFrom), Marshallers.Create(m => m.ToByteArray(), EchoResponse.Parser.ParseFrom));
        var error = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(missing, null, default, new EchoRequest()).ResponseAsync).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }
}
