using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using CkptFS.Protocol.Rpc;
using CkptFS.Protocol.Testing.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CkptFS.Protocol.Tests;

/// <summary>
/// Broken and hostile input on the gRPC port: each gets a clean gRPC error or a closed
/// connection, and the server goes on serving other clients.
/// </summary>
public sealed class BadInputTests
{
    private static readonly TimeSpan s_timeout = TestServer.Timeout;

    [Fact]
    public async Task Http11RequestIsRefusedAndServerKeepsServing()
    {
        await using var server = await TestServer.StartAsync();
        var request = "POST /ckptfs.testing.v1.InteropTest/Echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/grpc\r\nContent-Length: 5\r\n\r\n\0\0\0\0\0";
        await AssertConnectionClosedAsync(server.Host.Port, Encoding.ASCII.GetBytes(request));
        await AssertServesAsync(server);
    }

    [Fact]
    public async Task RandomBytesCloseTheConnectionAndServerKeepsServing()
    {
        await using var server = await TestServer.StartAsync();
        var junk = new byte[4096];
        new Random(1234).NextBytes(junk);
        await AssertConnectionClosedAsync(server.Host.Port, junk);
        await AssertServesAsync(server);
    }

    [Fact]
    public async Task LengthPrefixLongerThanTheBodyIsInternal()
    {
        await using var server = await TestServer.StartAsync();

        // Says 1000 bytes, sends 10, then END_STREAM.
        var (_, status, message) = await SendRawAsync(server, Frame(flag: 0, declaredLength: 1000, bodyLength: 10));
        Assert.Equal(StatusCode.Internal, status);
        Assert.Contains("Incomplete message", message, StringComparison.Ordinal);
        await AssertServesAsync(server);
    }

    [Fact]
    public async Task OversizedLengthPrefixIsResourceExhaustedBeforeTheBodyArrives()
    {
        await using var server = await TestServer.StartAsync();
        var (_, status, message) = await SendRawAsync(server, Frame(flag: 0, declaredLength: 100_000_000, bodyLength: 16));
        Assert.Equal(StatusCode.ResourceExhausted, status);
        Assert.Contains("exceeds the maximum", message, StringComparison.Ordinal);
        await AssertServesAsync(server);
    }

    [Fact]
    public async Task CompressedFrameWithoutAnEncodingIsRefusedCleanly()
    {
        await using var server = await TestServer.StartAsync();
        var (_, status, _) = await SendRawAsync(server, Frame(flag: 1, declaredLength: 4, bodyLength: 4));
        Assert.Equal(StatusCode.Internal, status);
        await AssertServesAsync(server);
    }

    [Fact]
    public async Task UnsupportedEncodingIsUnimplementedWithAcceptEncoding()
    {
        await using var server = await TestServer.StartAsync();
        using var client = CreateHttp2Client();
        using var request = CreateRequest(server, Frame(1, 0, 0));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "snappy");
        using var response = await client.SendAsync(request).WaitAsync(s_timeout);
        await response.Content.ReadAsByteArrayAsync().WaitAsync(s_timeout);
        var headers = response.Headers.Contains("grpc-status") ? (HttpHeaders)response.Headers : response.TrailingHeaders;
        Assert.Equal("12", headers.GetValues("grpc-status").Single());
        Assert.Contains("gzip", response.Headers.GetValues("grpc-accept-encoding").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdleConnectionsAreClosedAfterTheTimeoutWhileCallsGoOn()
    {
        await using var server = await TestServer.StartAsync(new RpcServerOptions { IdleConnectionTimeout = TimeSpan.FromSeconds(3) });
        var idle = new List<Socket>();
        try
        {
            // 500 clients that connect and say nothing (not even the HTTP/2 preface).
            for (var i = 0; i < 500; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                idle.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, server.Host.Port).WaitAsync(s_timeout);
            }

            await AssertServesAsync(server);

            // Kestrel checks timeouts once a second: give it the timeout plus a few checks.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            var closed = 0;
            foreach (var socket in idle)
            {
                var left = deadline - DateTime.UtcNow;
                if (left > TimeSpan.Zero && await IsClosedByPeerAsync(socket, left))
                {
                    closed++;
                }
            }

            Assert.Equal(idle.Count, closed);
            await AssertServesAsync(server);
        }
        finally
        {
            idle.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task ConnectionsBeyondTheLimitAreClosedAndServingResumes()
    {
        await using var server = await TestServer.StartAsync(new RpcServerOptions { MaxConnections = 20 });
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                held.Add(socket);
                await socket.ConnectAsync(IPAddress.Loopback, server.Host.Port).WaitAsync(s_timeout);
            }

            using var extra = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await extra.ConnectAsync(IPAddress.Loopback, server.Host.Port).WaitAsync(s_timeout);
            Assert.True(await IsClosedByPeerAsync(extra, TimeSpan.FromSeconds(10)), "the 21st connection was kept open");
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }

        // The slots free up as the held sockets close (Kestrel notices within its timer tick).
        await RetryUntilServesAsync(server);
    }

    [Theory]
    [InlineData("ping")]
    [InlineData("rapid-reset")]
    public async Task ProtocolAbuseIsLoggedAtWarningAtMostOncePerConnection(string abuse)
    {
        await using var server = await TestServer.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, server.Host.Port).WaitAsync(s_timeout);

        // The HTTP/2 preface and an empty SETTINGS frame, then frames as fast as the socket takes
        // them, never reading what the server answers: its output queue fills up.
        var preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").Concat(Http2Frame(0x4, 0, 0, [])).ToArray();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await socket.SendAsync(preface, SocketFlags.None, cancel.Token);
            for (var round = 0; round < 2000 && !cancel.IsCancellationRequested; round++)
            {
                await socket.SendAsync(abuse == "ping" ? PingBurst() : RapidResetBurst(round), SocketFlags.None, cancel.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            // The server closed the connection or stopped reading it: the flood is over either way.
        }

        await AssertServesAsync(server);
        var kestrel = server.Logs.Entries.Where(e => e.Category.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(kestrel, e => e.Level >= LogLevel.Error);
        var warnings = kestrel.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.True(warnings.Count <= 3, string.Join("\n", warnings));
        if (abuse == "rapid-reset")
        {
            // Kestrel saw the flood and dropped the connection: either its output queue overflowed
            // (an event it logs at Critical, which reaches the log once, at Warning) or its
            // rapid-reset guard ended the connection first (logged at Debug).
            Assert.True(await IsClosedByPeerAsync(socket, TimeSpan.FromSeconds(10)), "the server kept the flooding connection open");
            Assert.True(warnings.Count(w => w.Contains("exceeded the output operations maximum queue size", StringComparison.Ordinal)) <= 1);
        }
    }

    private static byte[] PingBurst() => [.. Enumerable.Range(0, 1000).SelectMany(_ => Http2Frame(0x6, 0, 0, new byte[8]))];

    /// <summary>100 calls to Echo, each reset (CANCEL) right after its HEADERS: the CVE-2023-44487 pattern.</summary>
    private static byte[] RapidResetBurst(int round)
    {
        var path = Encoding.ASCII.GetBytes($"/{InteropTest.Descriptor.FullName}/Echo");
        var contentType = Encoding.ASCII.GetBytes("application/grpc");

        // HPACK: :method POST (static 3), :scheme http (static 6), :path and content-type as literals
        // without indexing (static names 4 and 31), te: trailers as a literal with a new name.
        byte[] block = [0x83, 0x86, 0x04, (byte)path.Length, .. path, 0x0f, 0x10, (byte)contentType.Length, .. contentType,
            0x00, 2, (byte)'t', (byte)'e', 8, .. Encoding.ASCII.GetBytes("trailers")];
        var frames = new List<byte>();
        for (var i = 0; i < 100; i++)
        {
            var stream = (uint)((((round * 100) + i) * 2) + 1);
            frames.AddRange(Http2Frame(0x1, 0x4, stream, block));
            frames.AddRange(Http2Frame(0x3, 0, stream, [0, 0, 0, 0x8]));
        }

        return [.. frames];
    }

    private static byte[] Http2Frame(byte type, byte flags, uint stream, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(5), stream);
        payload.CopyTo(frame, 9);
        return frame;
    }

    [Fact]
    public async Task WrongContentTypeIs415AndGetIs404()
    {
        await using var server = await TestServer.StartAsync();
        using var client = CreateHttp2Client();
        using var json = CreateRequest(server, Frame(0, 0, 0));
        json.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var jsonResponse = await client.SendAsync(json).WaitAsync(s_timeout);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, jsonResponse.StatusCode);

        using var get = new HttpRequestMessage(HttpMethod.Get, $"http://{server.Host.Address}/x") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var getResponse = await client.SendAsync(get).WaitAsync(s_timeout);
        Assert.Equal(HttpStatusCode.NotFound, getResponse.StatusCode);
        await AssertServesAsync(server);
    }

    [Fact]
    public async Task SecondMessageOnAUnaryCallIsInternal()
    {
        await using var server = await TestServer.StartAsync();
        var two = Frame(0, 0, 0).Concat(Frame(0, 0, 0)).ToArray();
        var (_, status, _) = await SendRawAsync(server, two);
        Assert.Equal(StatusCode.Internal, status);
    }

    private static byte[] Frame(byte flag, uint declaredLength, int bodyLength)
    {
        var frame = new byte[5 + bodyLength];
        frame[0] = flag;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength);
        return frame;
    }

    private static HttpClient CreateHttp2Client() => new(new SocketsHttpHandler()) { Timeout = s_timeout };

    private static HttpRequestMessage CreateRequest(TestServer server, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        return new HttpRequestMessage(HttpMethod.Post, $"http://{server.Host.Address}/{InteropTest.Descriptor.FullName}/Echo")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
    }

    /// <summary>Sends a hand-made body to Echo; returns the HTTP status and the gRPC status, from headers or trailers.</summary>
    private static async Task<(HttpStatusCode Http, StatusCode Status, string Message)> SendRawAsync(TestServer server, byte[] body)
    {
        using var client = CreateHttp2Client();
        using var request = CreateRequest(server, body);
        using var response = await client.SendAsync(request).WaitAsync(s_timeout);
        await response.Content.ReadAsByteArrayAsync().WaitAsync(s_timeout);
        var headers = response.Headers.Contains("grpc-status") ? (HttpHeaders)response.Headers : response.TrailingHeaders;
        var status = (StatusCode)int.Parse(headers.GetValues("grpc-status").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var message = headers.TryGetValues("grpc-message", out var values) ? values.Single() : string.Empty;
        return (response.StatusCode, status, message);
    }

    /// <summary>Writes the bytes on a raw TCP connection and expects the server to close it.</summary>
    private static async Task AssertConnectionClosedAsync(int port, byte[] bytes)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(s_timeout);
        using var cancel = new CancellationTokenSource(s_timeout);
        try
        {
            await socket.SendAsync(bytes, SocketFlags.None, cancel.Token);
        }
        catch (SocketException)
        {
            return; // reset while sending: closed, as wanted
        }

        var buffer = new byte[4096];
        for (var reads = 0; reads < 1000; reads++)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
            }
            catch (SocketException)
            {
                return; // reset: closed
            }

            if (read == 0)
            {
                return; // orderly close (after a GOAWAY, typically)
            }
        }

        Assert.Fail("the server kept the connection open");
    }

    private static async Task AssertServesAsync(TestServer server)
    {
        using var channel = RpcChannel.ForAddress(server.Host.Address);
        var client = new InteropTest.InteropTestClient(RpcChannel.Invoker(channel));
        var response = await client.EchoAsync(new EchoRequest { Text = "still serving" }).ResponseAsync.WaitAsync(s_timeout);
        Assert.Equal("still serving", response.Text);
    }

    private static async Task RetryUntilServesAsync(TestServer server)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await AssertServesAsync(server);
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 20)
            {
                await Task.Delay(500);
            }
        }
    }

    /// <summary>True when the peer closes (or resets) the connection within <paramref name="within"/>.</summary>
    private static async Task<bool> IsClosedByPeerAsync(Socket socket, TimeSpan within)
    {
        using var cancel = new CancellationTokenSource(within);
        var buffer = new byte[1024];
        try
        {
            for (var reads = 0; reads < 1000; reads++)
            {
                if (await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token) == 0)
                {
                    return true;
                }
            }

            return false;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
