using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using CkptFS.Client;
using CkptFS.Common;
using CkptFS.Protocol.Tls;
using CkptFS.Testing;

namespace CkptFS.IntegrationTests.Security;

/// <summary>
/// A local cluster started with `cluster start --tls` (certificates from scripts/make-certs.sh): the
/// DataNodes register over TLS, the CLI, the SDK and python3-grpcio given the CA are served; a
/// cleartext client and a client trusting another CA are refused at once with one clear line; a
/// node certificate reissued on disk is served on the next connection without a restart.
/// </summary>
public sealed class TlsClusterTests : IClassFixture<TlsClusterFixture>, IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly LocalClusterProcesses _cluster;
    private readonly TempDirectory _local = new("ckptfs-tls-local");

    public TlsClusterTests(TlsClusterFixture fixture)
    {
        _cluster = fixture.Cluster;
    }

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task CliPutGetAndLsWorkOverTls()
    {
        var file = _local.Combine("data.bin");
        await File.WriteAllBytesAsync(file, PatternData.Bytes(11, 0, 5 * 1024 * 1024 + 17));
        (await _cluster.CliAsync("put", "-q", "-r", "3", file, "/tls-cli.bin")).EnsureSuccess();
        var listing = (await _cluster.CliAsync("ls", "/")).EnsureSuccess();
        Assert.Contains("tls-cli.bin", listing.Stdout, StringComparison.Ordinal);
        var back = _local.Combine("back.bin");
        (await _cluster.CliAsync("get", "-q", "/tls-cli.bin", back)).EnsureSuccess();
        Assert.Equal(-1, PatternData.FirstMismatch(11, 0, await File.ReadAllBytesAsync(back)));

        // Every member took part over TLS: the NameNode served TLS, the DataNodes registered through it.
        var nameNodeLog = await File.ReadAllTextAsync(Path.Combine(_cluster.Directory, "logs", "namenode.log"));
        Assert.Contains("gRPC (TLS) serving", nameNodeLog, StringComparison.Ordinal);
        Assert.Contains($"export CKPTFS_TLS_CA={_cluster.TlsCaFile}", await File.ReadAllTextAsync(Path.Combine(_cluster.Directory, "env.sh")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SdkGivenTheCaWritesAndReadsOverTls()
    {
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = _cluster.Address, TlsCaFile = _cluster.TlsCaFile, NameNodeWait = TimeSpan.Zero });
        var data = PatternData.Bytes(12, 0, 3 * 1024 * 1024);
        await using (var output = await client.CreateAsync("/tls-sdk.bin", new CreateFileOptions { Replication = 3 }).WaitAsync(s_timeout))
        {
            await output.WriteAsync(data).AsTask().WaitAsync(s_timeout);
        }
        await using var input = await client.OpenAsync("/tls-sdk.bin").WaitAsync(s_timeout);
        var read = new MemoryStream();
        await input.CopyToAsync(read).WaitAsync(s_timeout);
        Assert.Equal(-1, PatternData.FirstMismatch(12, 0, read.ToArray()));
    }

    [Fact]
    public async Task BlockDataTravelsOverTlsAndAClientWithoutTheCaForDataNodesIsRefused()
    {
        var options = new CkptFsClientOptions { NameNodeAddress = _cluster.Address, TlsCaFile = _cluster.TlsCaFile, NameNodeWait = TimeSpan.Zero };
        using var client = new CkptFsClient(options);
        var report = await client.GetDatanodeReportAsync().WaitAsync(s_timeout);
        Assert.NotEmpty(report.Datanodes);
        Assert.All(report.Datanodes, d => Assert.True(d.Id.TransferTls, $"{d.Id.DatanodeUuid} does not say its transfer port serves TLS"));
        foreach (var log in Directory.EnumerateFiles(Path.Combine(_cluster.Directory, "logs"), "dn*.log"))
        {
            Assert.Matches(@"Data transfer server listening on \S+:\d+ \(TLS\)", await File.ReadAllTextAsync(log));
        }

        var data = PatternData.Bytes(13, 0, 1024 * 1024);
        await using (var output = await client.CreateAsync("/tls-data.bin", new CreateFileOptions { Replication = 3 }).WaitAsync(s_timeout))
        {
            await output.WriteAsync(data).AsTask().WaitAsync(s_timeout);
        }
        // The NameNode trusted, the DataNodes dialled in cleartext: refused at the first block, with what to set.
        using var cleartextData = new CkptFsClient(new CkptFsClientOptions
        {
            NameNodeAddress = _cluster.Address, TlsCaFile = _cluster.TlsCaFile, NameNodeWait = TimeSpan.Zero, BlockReader = new() { TlsCaFile = "" },
        });
        var error = await Assert.ThrowsAsync<CkptFsException>(async () =>
        {
            await using var input = await cleartextData.OpenAsync("/tls-data.bin").WaitAsync(s_timeout);
            await input.ReadAsync(new byte[4096]).AsTask().WaitAsync(s_timeout);
        });
        Assert.Equal(ErrorCode.TlsMismatch, error.Code);
        Assert.Contains("serves TLS on its transfer port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CleartextCliIsRefusedAtOnceWithOneClearLine()
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await CliRun.RunAsync(["ls", "/"], new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = _cluster.Address });
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("probably serves TLS", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("CKPTFS_TLS_CA", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"took {stopwatch.Elapsed}: a TLS mismatch must not be waited out as a NameNode restart");
    }

    [Fact]
    public async Task ClientTrustingAnotherCaIsRefused()
    {
        using var other = new TestCertificates("not the cluster's CA");
        var otherCa = other.WriteCa(_local.Combine("other-ca.pem"));
        var result = await CliRun.RunAsync(["ls", "/"], new Dictionary<string, string> { ["CKPTFS_NAMENODE"] = _cluster.Address, ["CKPTFS_TLS_CA"] = otherCa });
        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"the CA bundle {otherCa} does not trust", result.Stderr, StringComparison.Ordinal);

        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = _cluster.Address, TlsCaFile = otherCa, NameNodeWait = TimeSpan.FromMinutes(2) });
        var error = await Assert.ThrowsAsync<CkptFsException>(() => client.GetDatanodeReportAsync()).WaitAsync(s_timeout);
        Assert.Equal(ErrorCode.TlsMismatch, error.Code);
    }

    [Fact]
    public async Task PythonGrpcioGivenTheCaIsServed()
    {
        // The standard health service, called by its full method name with raw bytes: no stubs needed.
        const string script = """
            import grpc, sys
            with open(sys.argv[2], "rb") as f:
                credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
            with grpc.secure_channel(sys.argv[1], credentials) as channel:
                check = channel.unary_unary("/grpc.health.v1.Health/Check")
                reply = check(b"", timeout=20)
            print(reply.hex())
            """;
        using var child = ChildProcess.Start("/usr/bin/python3", ["-c", script, _cluster.Address, _cluster.TlsCaFile!]);
        var exitCode = await child.WaitForExitAsync(s_timeout);
        Assert.True(exitCode == 0, child.Stdout + child.Stderr);
        Assert.Equal("0801", child.Stdout.Trim());   // HealthCheckResponse { status: SERVING }
    }

    [Fact]
    public async Task NodeCertificateReissuedOnDiskIsServedWithoutARestart()
    {
        var before = await ServedSerialAsync();
        var script = Path.Combine(RepoPaths.Root, "scripts", "make-certs.sh");
        using (var reissue = ChildProcess.Start("bash", [script, Path.Combine(_cluster.Directory, "tls")]))
        {
            Assert.Equal(0, await reissue.WaitForExitAsync(s_timeout));
        }

        // Checked at most once a second, on a handshake: the next connections get the new one.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var after = before;
        while (after == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(300);
            after = await ServedSerialAsync();
        }
        Assert.NotEqual(before, after);
        (await _cluster.CliAsync("ls", "/")).EnsureSuccess();
        Assert.Contains("TLS certificate reloaded", await File.ReadAllTextAsync(Path.Combine(_cluster.Directory, "logs", "namenode.log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataNodeWithoutTheCaIsNotRegisteredAndLogsWhatToDo()
    {
        // A DataNode pointed at the TLS NameNode in cleartext: it retries, saying why, and never registers.
        using var dataNode = ChildProcess.Start(RepoPaths.Launcher,
            ["datanode", "--namenode", _cluster.Address, "--data", _local.Combine("dn-cleartext"), "--port", "0", "--http-port", "-1", "--id", "dn-cleartext"],
            new Dictionary<string, string> { ["CKPTFS_TLS_CA"] = string.Empty });
        var expected = new System.Text.RegularExpressions.Regex("Registration failed \\(attempt 1\\): .*probably serves TLS.*TLSCAFILE");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);   // the launcher may republish first
        while (!expected.IsMatch(dataNode.Stderr))
        {
            Assert.True(DateTime.UtcNow < deadline && !dataNode.HasExited, $"no TLS registration error logged:\n{dataNode.Stdout}\n{dataNode.Stderr}");
            await Task.Delay(200);
        }
        using var client = new CkptFsClient(new CkptFsClientOptions { NameNodeAddress = _cluster.Address, TlsCaFile = _cluster.TlsCaFile });
        var report = await client.GetDatanodeReportAsync().WaitAsync(s_timeout);
        Assert.DoesNotContain(report.Datanodes, d => d.Id.DatanodeUuid == "dn-cleartext");
        dataNode.Kill();
    }

    [Fact]
    public async Task HttpPortsServeHttpsWithTheSameCertificates()
    {
        var state = _cluster.State();
        var members = new[] { state.GetProperty("nameNode") }.Concat(state.GetProperty("dataNodes").EnumerateArray()).ToList();
        using var handler = new SocketsHttpHandler { SslOptions = TlsClientTrust.ClientOptions(_cluster.TlsCaFile) };
        using var https = new HttpClient(handler) { Timeout = s_timeout };
        using var plain = new HttpClient { Timeout = s_timeout };
        foreach (var member in members)
        {
            var address = member.GetProperty("httpAddress").GetString()!;
            using var reply = await https.GetAsync(new Uri($"https://{address}/healthz"));
            Assert.True(reply.IsSuccessStatusCode, $"{address}: {reply.StatusCode}");
            await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync(new Uri($"http://{address}/healthz")));
        }
    }

    /// <summary>The serial of the certificate the NameNode presents to a new connection, verified against the cluster's CA.</summary>
    private async Task<string> ServedSerialAsync()
    {
        var port = int.Parse(_cluster.Address[(_cluster.Address.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(s_timeout);
        await using var tls = new SslStream(tcp.GetStream());
        var options = TlsClientTrust.ClientOptions(_cluster.TlsCaFile);
        options.TargetHost = "127.0.0.1";
        options.ApplicationProtocols = [SslApplicationProtocol.Http2];
        await tls.AuthenticateAsClientAsync(options).WaitAsync(s_timeout);
        return tls.RemoteCertificate!.GetSerialNumberString();
    }
}
