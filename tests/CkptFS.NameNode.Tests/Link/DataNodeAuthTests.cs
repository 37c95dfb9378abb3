using CkptFS.Common;
using CkptFS.DataNode.NameNodeLink;
using CkptFS.DataNode.Security;
using CkptFS.Protocol.Rpc;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.V1;
using CkptFS.Testing;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging.Abstractions;

namespace CkptFS.NameNode.Tests.Link;

/// <summary>
/// A NameNode with Security:ClusterSecretFile set, on 127.0.0.1: DatanodeProtocol calls without a
/// proof, or with one from another secret, are refused UNAUTHENTICATED and never register; a
/// NameNodeLink holding the secret registers. Client calls are not affected.
/// </summary>
public sealed class DataNodeAuthTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _directory = new("ckptfs-dnauth");
    private NameNodeServer? _server;

    public async Task InitializeAsync()
    {
        var secretFile = _directory.Combine("cluster-secret");
        ClusterSecret.Generate(secretFile);
        ClusterSecret.Generate(_directory.Combine("other-secret"));
        var options = new NameNodeOptions { DataDirectory = _directory.Combine("namenode"), RpcPort = 0, HttpPort = -1 };
        options.Security.ClusterSecretFile = secretFile;
        _server = await NameNodeServer.StartAsync(options, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None).WaitAsync(Timeout);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
        finally
        {
            _directory.Dispose();
        }
    }

    [Fact]
    public async Task CallsWithoutTheSecretAreRefusedAndNeverRegister()
    {
        using var channel = RpcChannel.ForAddress($"127.0.0.1:{_server!.RpcPort}");
        var bare = new DatanodeProtocol.DatanodeProtocolClient(RpcChannel.Invoker(channel));
        var wrong = new DatanodeProtocol.DatanodeProtocolClient(RpcChannel.Invoker(channel)
            .Intercept(new ClusterProofInterceptor(ClusterSecret.Load(_directory.Combine("other-secret"), "test"), "rogue", TimeProvider.System)));

        foreach (var (client, reason) in new[] { (bare, "carries no cluster proof"), (wrong, "does not match this NameNode's cluster secret") })
        {
            var refused = await Assert.ThrowsAsync<CkptFsException>(() => client.RegisterAsync(Register("rogue")).ResponseAsync.WaitAsync(Timeout));
            Assert.Equal(ErrorCode.DataNodeNotAuthenticated, refused.Code);
            Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
            Assert.Contains("This NameNode requires the cluster secret: set Security:ClusterSecretFile", refused.Message, StringComparison.Ordinal);
            var heartbeat = await Assert.ThrowsAsync<CkptFsException>(() => client.HeartbeatAsync(new HeartbeatRequest { DatanodeUuid = "rogue" }).ResponseAsync.WaitAsync(Timeout));
            Assert.Equal(ErrorCode.DataNodeNotAuthenticated, heartbeat.Code);
            using var stream = client.Connect(new ConnectRequest { DatanodeUuid = "rogue" });
            var connect = await Assert.ThrowsAnyAsync<Exception>(() => stream.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Timeout));
            Assert.Contains("cluster secret", connect.Message, StringComparison.Ordinal);
        }
        Assert.Null(_server.Datanodes.Find("rogue"));
    }

    [Fact]
    public async Task ALinkWithTheSecretRegisters()
    {
        var catalog = new InMemoryReplicaCatalog();
        var self = new DatanodeId { DatanodeUuid = "dn-good", Host = "127.0.0.1", TransferPort = 9866, HttpPort = 9864 };
        var options = new NameNodeLinkOptions
        {
            NameNodeAddress = $"127.0.0.1:{_server!.RpcPort}",
            HeartbeatInterval = TimeSpan.FromMilliseconds(100),
            ReconnectBackoffInitial = TimeSpan.FromMilliseconds(50),
            ReconnectBackoffMax = TimeSpan.FromMilliseconds(500),
            CallTimeout = TimeSpan.FromSeconds(5),
        };
        await using var link = new NameNodeLink(options, self, catalog, new BlockKeyRing(TimeProvider.System), TimeProvider.System, NullLogger<NameNodeLink>.Instance,
            clusterSecret: ClusterSecret.Load(_directory.Combine("cluster-secret"), "test"));
        await link.StartAsync();
        await link.FirstRegistration.WaitAsync(Timeout);
        Assert.NotNull(_server.Datanodes.Find("dn-good"));
    }

    private static RegisterDatanodeRequest Register(string uuid) =>
        new() { Datanode = new DatanodeId { DatanodeUuid = uuid, Host = "127.0.0.1", TransferPort = 9866 } };
}
