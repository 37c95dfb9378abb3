using System.Net.Security;
using System.Net.Sockets;
using System.Text.Json;
using CkptFS.Protocol.Rpc;
using CkptFS.Protocol.Testing.V1;
using CkptFS.Protocol.Tls;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CkptFS.Protocol.Tests;

/// <summary>
/// gRPC over TLS on RpcServerHost: a client given the CA is served; cleartext, another CA and TLS
/// at a cleartext port are refused with a message that says what to do; a certificate replaced on
/// disk is served from the next connection on; grpcio given the CA is served too.
/// </summary>
public sealed class TlsRpcTests : IClassFixture<PythonFixture>
{
    private static readonly TimeSpan s_timeout = TestServer.Timeout;
    private readonly PythonFixture _python;

    public TlsRpcTests(PythonFixture python)
    {
        _python = python;
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task ClientGivenTheCaIsServedOverTls(string host)
    {
        using var files = new TlsFiles();
        await using var server = await TestServer.StartAsync(files.ServerOptions());
        using var channel = RpcChannel.ForAddress($"{host}:{server.Host.Port}", files.CaFile);
        var reply = await new InteropTest.InteropTestClient(RpcChannel.Invoker(channel)).EchoAsync(new EchoRequest { Text = "secret" }).ResponseAsync.WaitAsync(s_timeout);
        Assert.Equal("secret", reply.Text);
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("gRPC (TLS) serving", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CleartextClientIsRefusedAndToldToGiveTheCa()
    {
        using var files = new TlsFiles();
        await using var server = await TestServer.StartAsync(files.ServerOptions());
        var message = await FailureAsync(server.Host.Address, caFile: null);
        Assert.Contains("probably serves TLS", message, StringComparison.Ordinal);
        Assert.Contains(TlsClientTrust.CaFileEnvironmentVariable, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeTellsATlsPortFromACleartextOneAndAClosedOne()
    {
        using var files = new TlsFiles();
        await using var tls = await TestServer.StartAsync(files.ServerOptions());
        await using var cleartext = await TestServer.StartAsync();
        var probeTimeout = TimeSpan.FromSeconds(5);
        Assert.True(await Task.Run(() => TlsProbe.ServesTls(tls.Host.Address, probeTimeout)).WaitAsync(s_timeout));
        Assert.False(await Task.Run(() => TlsProbe.ServesTls(cleartext.Host.Address, probeTimeout)).WaitAsync(s_timeout));
        // A port nobody listens on (a NameNode killed mid-call) is not taken for TLS.
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Assert.False(await Task.Run(() => TlsProbe.ServesTls($"127.0.0.1:{closedPort}", probeTimeout)).WaitAsync(s_timeout));
    }

    [Fact]
    public async Task ClientWithAnotherCaIsRefused()
    {
        using var files = new TlsFiles();
        await using var server = await TestServer.StartAsync(files.ServerOptions());
        var message = await FailureAsync(server.Host.Address, files.OtherCaFile);
        Assert.Contains($"the CA bundle {files.OtherCaFile} does not trust", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateThatDoesNotNameTheHostIsRefused()
    {
        using var files = new TlsFiles();
        files.Authority.WriteServerPair(files.CertificateFile, files.KeyFile, loopbackNames: false, "elsewhere.example");
        await using var server = await TestServer.StartAsync(files.ServerOptions());
        var message = await FailureAsync(server.Host.Address, files.CaFile);
        Assert.Contains("does not name that host", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsClientAtACleartextPortIsRefused()
    {
        using var files = new TlsFiles();
        await using var server = await TestServer.StartAsync();
        var message = await FailureAsync(server.Host.Address, files.CaFile);
        Assert.Contains("probably serves cleartext", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateReplacedOnDiskIsServedOnTheNextConnectionWithoutRestart()
    {
        using var files = new TlsFiles();
        await using var server = await TestServer.StartAsync(files.ServerOptions());
        using var channel = RpcChannel.ForAddress(server.Host.Address, files.CaFile);
        var client = new InteropTest.InteropTestClient(RpcChannel.Invoker(channel));
        await client.EchoAsync(new EchoRequest { Text = "before" }).ResponseAsync.WaitAsync(s_timeout);
        Assert.Equal(files.Serial, await ServedSerialAsync(server.Host.Port, files.CaFile));

        var renewed = files.Authority.WriteServerPair(files.CertificateFile, files.KeyFile);
        Assert.NotEqual(files.Serial, renewed);
        Assert.Equal(renewed, await ServedSerialAsync(server.Host.Port, files.CaFile));

        // The channel's open connection keeps working, and so does a new channel.
        await client.EchoAsync(new EchoRequest { Text = "after" }).ResponseAsync.WaitAsync(s_timeout);
        using var fresh = RpcChannel.ForAddress(server.Host.Address, files.CaFile);
        await new InteropTest.InteropTestClient(fresh).EchoAsync(new EchoRequest { Text = "fresh" }).ResponseAsync.WaitAsync(s_timeout);
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("TLS certificate reloaded", StringComparison.Ordinal) && e.Message.Contains(renewed, StringComparison.Ordinal));
        Assert.Equal(1, server.Host.Certificates!.Reloads);
    }

    [Fact]
    public async Task ServerWithAKeyOfAnotherCertificateDoesNotStart()
    {
        using var files = new TlsFiles();
        files.Authority.WriteServerPair(files.Combine("other.crt"), files.Combine("other.key"));
        var options = files.ServerOptions();
        options.Tls.KeyFile = files.Combine("other.key");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => TestServer.StartAsync(options)).WaitAsync(s_timeout);
        Assert.Contains(files.CertificateFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonGrpcioGivenTheCaIsServedAndWithAnotherCaIsRefused()
    {
        using var files = new TlsFiles();
        await using var server = await TestServer.StartAsync(files.ServerOptions());
        var address = $"localhost:{server.Host.Port}";
        var (exitCode, stdout, stderr) = await Task.Run(() => PythonFixture.Run(
            PythonFixture.StartInfo(_python.Script("tls_client.py"), _python.StubsDir, address, files.CaFile, "--echo"))).WaitAsync(PythonFixture.ProcessTimeout * 2);
        var results = JsonSerializer.Deserialize<Dictionary<string, string>>(stdout.Trim()) ?? throw new InvalidOperationException(stderr);
        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Equal("SERVING", results["health"]);
        Assert.Equal("over tls", results["echo"]);

        (exitCode, stdout, stderr) = await Task.Run(() => PythonFixture.Run(
            PythonFixture.StartInfo(_python.Script("tls_client.py"), _python.StubsDir, address, files.OtherCaFile))).WaitAsync(PythonFixture.ProcessTimeout * 2);
        Assert.NotEqual(0, exitCode);
        Assert.StartsWith("UNAVAILABLE", JsonSerializer.Deserialize<Dictionary<string, string>>(stdout.Trim())!["health"], StringComparison.Ordinal);
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    /// <summary>The TLS mismatch message of one call from a new channel.</summary>
    private static async Task<string> FailureAsync(string address, string? caFile)
    {
        using var channel = RpcChannel.ForAddress(address, caFile);
        var client = new InteropTest.InteropTestClient(channel);
        var error = await Assert.ThrowsAsync<RpcException>(() => client.EchoAsync(new EchoRequest(), deadline: DateTime.UtcNow + s_timeout).ResponseAsync).WaitAsync(s_timeout);
        var message = TlsFailure.Describe(error, "NameNode", address, caFile, $"{TlsClientTrust.CaFileEnvironmentVariable}=FILE or --tls-ca FILE");
        Assert.True(message is not null, $"not recognised as a TLS mismatch: {error}");
        return message!;
    }

    /// <summary>Opens a new TLS connection and returns the serial of the certificate the server presents.</summary>
    private static async Task<string> ServedSerialAsync(int port, string caFile)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(s_timeout);
        await using var tls = new SslStream(tcp.GetStream());
        var options = TlsClientTrust.ClientOptions(caFile);
        options.TargetHost = "localhost";
        options.ApplicationProtocols = [SslApplicationProtocol.Http2];
        await tls.AuthenticateAsClientAsync(options).WaitAsync(s_timeout);
        return tls.RemoteCertificate!.GetSerialNumberString();
    }
}
