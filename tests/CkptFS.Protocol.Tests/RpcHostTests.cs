using System.Net;
using System.Net.Http.Headers;
using CkptFS.Common;
using CkptFS.Protocol.Rpc;
using CkptFS.Protocol.Testing.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.Logging;
using Xunit;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace CkptFS.Protocol.Tests;

/// <summary>
/// What CkptFS adds to grpc-dotnet, through the public surface: the error table both ways, health
/// per service, reflection, compression both ways, deadlines and metadata.
/// </summary>
public sealed class RpcHostTests
{
    private const string NonAscii = "ungültig — 失败";
    private static readonly TimeSpan s_timeout = TestServer.Timeout;

    [Fact]
    public async Task CkptFsExceptionComesBackAsTheSameErrorCodeAndMessage()
    {
        await using var server = await TestServer.StartAsync();
        var request = new EchoRequest { Text = "lease held by " + NonAscii, FailWithErrorCode = (int)ErrorCode.LeaseHeldByOther };
        var error = await Assert.ThrowsAsync<CkptFsException>(() => server.Client.EchoAsync(request).ResponseAsync).WaitAsync(s_timeout);
        Assert.Equal(ErrorCode.LeaseHeldByOther, error.Code);
        Assert.Equal(request.Text, error.Message);

        // A generic gRPC client sees the table's status and the exact code in the trailer.
        var raw = new InteropTest.InteropTestClient(server.Channel);
        var status = await Assert.ThrowsAsync<RpcException>(() => raw.EchoAsync(request).ResponseAsync).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.FailedPrecondition, status.StatusCode);
        Assert.Equal(((int)ErrorCode.LeaseHeldByOther).ToString(System.Globalization.CultureInfo.InvariantCulture), status.Trailers.GetValue(ErrorCodeStatus.ErrorCodeTrailer));
    }

    [Fact]
    public async Task StatusAndNonAsciiMessageOfAnRpcExceptionPassUnchanged()
    {
        await using var server = await TestServer.StartAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Client.EchoAsync(new EchoRequest { Text = NonAscii, FailWithStatus = (int)StatusCode.Aborted }).ResponseAsync).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal(NonAscii, error.Status.Detail);
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task HandlerBugIsInternalAndLoggedWithTheMethod()
    {
        await using var server = await TestServer.StartAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Client.EchoAsync(new EchoRequest { FailWithStatus = -1 }).ResponseAsync).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain("injected", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("/ckptfs.testing.v1.InteropTest/Echo", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeadlineReachesTheHandlerAndEndsTheCall()
    {
        await using var server = await TestServer.StartAsync();
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Client.EchoAsync(new EchoRequest { SleepMs = 10_000 }, deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync).WaitAsync(s_timeout);
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.NotNull(server.Service.LastSleepDeadline);
        Assert.InRange(server.Service.LastSleepDeadline!.Value, started, started.AddSeconds(1));
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task MetadataTravelsBothWays()
    {
        await using var server = await TestServer.StartAsync();
        using var call = server.Client.EchoAsync(new EchoRequest { Text = "x", EchoHeader = "x-request-tag" }, new Metadata { { "x-request-tag", "tag-42" } });
        Assert.Equal("tag-42", (await call.ResponseAsync.WaitAsync(s_timeout)).HeaderValue);
        Assert.Equal("tag-42", call.GetTrailers().GetValue("x-echo-trailer"));
    }

    [Fact]
    public async Task HealthAnswersPerServiceAndTurnsNotServingWhenStopping()
    {
        var server = await TestServer.StartAsync();
        await using (server)
        {
            var health = new Health.HealthClient(server.Channel);
            foreach (var name in new[] { string.Empty, InteropTest.Descriptor.FullName })
            {
                var answer = await health.CheckAsync(new HealthCheckRequest { Service = name }).ResponseAsync.WaitAsync(s_timeout);
                Assert.Equal(ServingStatus.Serving, answer.Status);
            }

            var unknown = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }).ResponseAsync)
                .WaitAsync(s_timeout);
            Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

            using var watch = health.Watch(new HealthCheckRequest { Service = InteropTest.Descriptor.FullName });
            Assert.True(await watch.ResponseStream.MoveNext().WaitAsync(s_timeout));
            Assert.Equal(ServingStatus.Serving, watch.ResponseStream.Current.Status);
            var stopping = server.Host.StopAsync();
            Assert.True(await watch.ResponseStream.MoveNext().WaitAsync(s_timeout));
            Assert.Equal(ServingStatus.NotServing, watch.ResponseStream.Current.Status);
            await stopping.WaitAsync(s_timeout);
        }
    }

    [Fact]
    public async Task APortInUseIsOneClearErrorAndLeavesNothingRunning()
    {
        await using var first = await TestServer.StartAsync();
        var error = await Assert.ThrowsAsync<CkptFsException>(() => TestServer.StartAsync(new RpcServerOptions { Port = first.Host.Port })).WaitAsync(s_timeout);
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal(
            $"Cannot serve gRPC on 127.0.0.1:{first.Host.Port}: the address is in use (is another CkptFS process on this port?). Stop it, or choose another port (0 picks a free one).",
            error.Message);

        // The first server is untouched.
        Assert.Equal(ServingStatus.Serving, (await new Health.HealthClient(first.Channel).CheckAsync(new HealthCheckRequest()).ResponseAsync.WaitAsync(s_timeout)).Status);
    }

    [Fact]
    public async Task ReflectionListsTheServices()
    {
        await using var server = await TestServer.StartAsync();
        using var call = new ServerReflection.ServerReflectionClient(server.Channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty }).WaitAsync(s_timeout);
        await call.RequestStream.CompleteAsync().WaitAsync(s_timeout);
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(s_timeout));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains(InteropTest.Descriptor.FullName, names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    [Fact]
    public async Task GzipRequestsAreAcceptedAndOnlyLargeResponsesAreCompressed()
    {
        await using var server = await TestServer.StartAsync();
        var payload = ByteString.CopyFrom(new byte[200_000]);
        var compressedRequest = new Metadata { { "grpc-internal-encoding-request", "gzip" } };
        var echoed = await server.Client.EchoAsync(new EchoRequest { Text = "zipped", Payload = payload }, compressedRequest).ResponseAsync.WaitAsync(s_timeout);
        Assert.Equal("zipped", echoed.Text);
        Assert.Equal(payload, echoed.Payload);

        Assert.Equal("gzip", await ResponseEncodingAsync(server, new EchoRequest { Payload = payload }));
        Assert.Null(await ResponseEncodingAsync(server, new EchoRequest { Text = "small" }));
    }

    /// <summary>The grpc-encoding of the answer to a raw request that accepts gzip; null when sent uncompressed.</summary>
    private static async Task<string?> ResponseEncodingAsync(TestServer server, EchoRequest request)
    {
        using var client = new HttpClient(new SocketsHttpHandler()) { Timeout = s_timeout };
        var body = request.ToByteArray();
        var frame = new byte[5 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
        body.CopyTo(frame, 5);
        var content = new ByteArrayContent(frame);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var message = new HttpRequestMessage(HttpMethod.Post, $"http://{server.Host.Address}/{InteropTest.Descriptor.FullName}/Echo")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        message.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,gzip");
        message.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await client.SendAsync(message).WaitAsync(s_timeout);
        var bytes = await response.Content.ReadAsByteArrayAsync().WaitAsync(s_timeout);
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        var compressedFlag = bytes[0] == 1;
        var encoding = response.Headers.TryGetValues("grpc-encoding", out var values) ? values.Single() : null;
        return compressedFlag ? encoding : null;
    }
}
