using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using CkptFS.Protocol.Grpc;
using CkptFS.Protocol.Testing.V1;
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
        await AssertConnectionClosedAsync(server.Host.GrpcPort, Encoding.ASCII.GetBytes(request));
        await AssertServesAsync(server);
    }

    [Fact]
    public async Task RandomBytesCloseTheConnectionAndServerKeepsServing()
    {
        await using var server = await TestServer.StartAsync();
        var junk = new byte[4096];
        new Random(1234).NextBytes(junk);
        await AssertConnectionClosedAsync(server.Host.GrpcPort, junk);
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
        Assert.Contains("100000000", message, StringComparison.Ordinal);
        await AssertServesAsync(server);
    }

    [Fact]
    public async Task CompressedFrameIsRefusedCleanly()
    {
        await using var server = await TestServer.StartAsync();
        var (_, status, message) = await SendRawAsync(server, Frame(flag: 1, declaredLength: 4, bodyLength: 4));
        Assert.Equal(StatusCode.Internal, status);
        Assert.Contains("compression is not supported", message, StringComparison.Ordinal);
        await AssertServesAsync(server);
    }

    [Fact]
    public async Task UnsupportedEncodingIsUnimplementedWithAcceptEncoding()
    {
        await using var server = await TestServer.StartAsync();
        using var client = CreateHttp2Client();
        using var request = CreateRequest(server, Frame(0, 0, 0));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        using var response = await client.SendAsync(request).WaitAsync(s_timeout);
        Assert.Equal("12", response.Headers.GetValues("grpc-status").Single());
        Assert.Equal("identity", response.Headers.GetValues("grpc-accept-encoding").Single());
    }

    [Fact]
    public async Task WrongContentTypeIs415AndGetIs405()
    {
        await using var server = await TestServer.StartAsync();
        using var client = CreateHttp2Client();
        using var json = CreateRequest(server, Frame(0, 0, 0));
        json.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var jsonResponse = await client.SendAsync(json).WaitAsync(s_timeout);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, jsonResponse.StatusCode);

        using var get = new HttpRequestMessage(HttpMethod.Get, $"http://{server.Host.GrpcAddress}/x") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var getResponse = await client.SendAsync(get).WaitAsync(s_timeout);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, getResponse.StatusCode);
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
        return new HttpRequestMessage(HttpMethod.Post, $"http://{server.Host.GrpcAddress}{InteropMethods.Echo.FullName}")
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
        using var channel = GrpcChannel.ForAddress(server.Host.GrpcAddress);
        var response = await channel.UnaryAsync(InteropMethods.Echo, new EchoRequest { Text = "still serving" }).WaitAsync(s_timeout);
        Assert.Equal("still serving", response.Text);
    }
}
