using System.Globalization;
using System.Text.Json;
using CkptFS.Common;

namespace CkptFS.IntegrationTests;

/// <summary>
/// Node's @grpc/grpc-js (from npm, pinned in tests/interop/node/package-lock.json) as a client of
/// a real NameNode process: each test runs one case of tests/interop/node/client.mjs, which loads
/// the repository's protos at run time, and asserts on the JSON line it printed. A case must also
/// leave no Error or Fatal entry in the NameNode's log.
/// </summary>
public sealed class NodeInteropTests : IClassFixture<NodeInteropFixture>
{
    private readonly NodeInteropFixture _fixture;

    public NodeInteropTests(NodeInteropFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task UnaryMkdirsThenGetFileInfo()
    {
        var result = await RunAsync("unary");
        var path = result.GetProperty("path").GetString();
        var mkdirs = result.GetProperty("mkdirs");
        var info = result.GetProperty("info");
        foreach (var status in new[] { mkdirs, info })
        {
            Assert.Equal(path, status.GetProperty("path").GetString());
            Assert.Equal("FILE_TYPE_DIRECTORY", status.GetProperty("type").GetString());
            Assert.Equal("node-interop", status.GetProperty("owner").GetString()); // from the ckptfs-user header
            Assert.Equal(Convert.ToInt32("750", 8), status.GetProperty("permission").GetInt32());
        }
        // uint64 and int64 travel as decimal strings (proto-loader longs: String).
        var inode = ulong.Parse(info.GetProperty("inode_id").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(inode > 0);
        Assert.Equal(mkdirs.GetProperty("inode_id").GetString(), info.GetProperty("inode_id").GetString());
        var modified = long.Parse(info.GetProperty("modification_time_ms").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(modified, result.GetProperty("now_ms").GetInt64() - 60_000, result.GetProperty("now_ms").GetInt64());
    }

    /// <summary>DatanodeProtocol.Connect (the NameNode's own server-streaming call) and Health/Watch.</summary>
    [Fact]
    public async Task ServerStreamingFirstMessageThenCancel()
    {
        var result = await RunAsync("server-streaming");
        var connect = result.GetProperty("connect");
        Assert.Equal(1, connect.GetProperty("events").GetInt32());
        Assert.Equal("CANCELLED", connect.GetProperty("code").GetString());
        var watch = result.GetProperty("watch");
        Assert.Equal("SERVING", watch.GetProperty("first").GetString());
        Assert.Equal("CANCELLED", watch.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ErrorWithNonAsciiMessageAndErrorCodeTrailer()
    {
        const string NonAsciiPath = "/données/ß/€/名前/🚀";
        var result = await RunAsync("error-non-ascii");
        Assert.Equal(NonAsciiPath, result.GetProperty("path").GetString());
        Assert.Equal("NOT_FOUND", result.GetProperty("code").GetString());
        // The details are the NameNode's message, every character intact (grpc-message carries it percent-encoded).
        var details = result.GetProperty("details").GetString()!;
        Assert.Contains($"Cannot create {NonAsciiPath}:", details, StringComparison.Ordinal);
        Assert.Contains("the parent directory /données/ß/€/名前 does not exist", details, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', details);
        var trailers = result.GetProperty("trailers");
        Assert.True(trailers.TryGetProperty("ckptfs-error-code", out var errorCode), trailers.ToString());
        Assert.Equal(((int)ErrorCode.FileNotFound).ToString(CultureInfo.InvariantCulture), errorCode.GetString());
    }

    /// <summary>
    /// Health/Watch outlives its 300 ms deadline (grpc-timeout reaches the server; whichever side
    /// acts first, the status is DEADLINE_EXCEEDED), and a unary call whose deadline has already
    /// passed fails in the client.
    /// </summary>
    [Fact]
    public async Task DeadlineExceeded()
    {
        var result = await RunAsync("deadline");
        var watch = result.GetProperty("watch");
        Assert.Equal("SERVING", watch.GetProperty("first").GetString());
        Assert.Equal("DEADLINE_EXCEEDED", watch.GetProperty("code").GetString());
        Assert.InRange(watch.GetProperty("elapsedMs").GetInt32(), 250, 10_000);
        Assert.Equal("DEADLINE_EXCEEDED", result.GetProperty("expired").GetProperty("code").GetString());
    }

    /// <summary>grpc-encoding: gzip requests, one of them 256 KiB before compression.</summary>
    [Fact]
    public async Task GzipCompressedRequests()
    {
        var result = await RunAsync("gzip");
        var path = result.GetProperty("path").GetString();
        Assert.Equal(path, result.GetProperty("mkdirs").GetString());
        Assert.Equal(256 * 1024, result.GetProperty("requestBytes").GetInt32());
        Assert.Contains(path, result.GetProperty("listing").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task HealthCheckPerService()
    {
        var statuses = (await RunAsync("health")).GetProperty("statuses").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        // A serving status for the server ("") and for each service by its full name (what a
        // Kubernetes gRPC probe names); the Check call fails with NOT_FOUND for a name never served.
        var expected = new Dictionary<string, string?>
        {
            [""] = "SERVING",
            ["ckptfs.v1.ClientProtocol"] = "SERVING",
            ["ckptfs.v1.DatanodeProtocol"] = "SERVING",
            ["ckptfs.v1.CheckpointProtocol"] = "SERVING",
            ["no.such.Service"] = "NOT_FOUND",
        };
        Assert.Equal(expected, statuses);
    }

    /// <summary>list_services, then the file defining ckptfs.v1.ClientProtocol (what grpcurl does).</summary>
    [Fact]
    public async Task ReflectionListsTheServices()
    {
        var result = await RunAsync("reflection");
        var services = result.GetProperty("services").EnumerateArray().Select(s => s.GetString()).ToList();
        foreach (var expected in new[] { "ckptfs.v1.ClientProtocol", "ckptfs.v1.DatanodeProtocol", "ckptfs.v1.CheckpointProtocol", "grpc.health.v1.Health" })
        {
            Assert.Contains(expected, services);
        }
        Assert.All(result.GetProperty("errors").EnumerateArray(), e => Assert.Equal(JsonValueKind.Null, e.ValueKind));
        var file = Assert.Single(result.GetProperty("files").EnumerateArray(),
            f => f.GetProperty("services").EnumerateArray().Any(s => s.GetProperty("name").GetString() == "ClientProtocol"));
        Assert.Equal("ckptfs/v1/namenode.proto", file.GetProperty("name").GetString());
        Assert.Equal("ckptfs.v1", file.GetProperty("package").GetString());
        var methods = file.GetProperty("services").EnumerateArray().Single().GetProperty("methods").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("Mkdirs", methods);
        Assert.Contains("GetFileInfo", methods);
    }

    /// <summary>Runs a case; fails on a failure the case did not expect, and on a NameNode error log.</summary>
    private async Task<JsonElement> RunAsync(string name)
    {
        var errorsBefore = _fixture.ErrorLogLines().Count;
        var result = await _fixture.RunCaseAsync(name);
        Assert.False(result.TryGetProperty("unexpected", out var unexpected), $"{name}: unexpected failure {unexpected}");
        var newErrors = _fixture.ErrorLogLines().Skip(errorsBefore).ToList();
        Assert.True(newErrors.Count == 0, $"{name}: the NameNode logged errors:\n{string.Join('\n', newErrors)}");
        return result;
    }
}
