using CkptFS.DataNode.Recovery;
using CkptFS.DataNode.Replication;
using CkptFS.DataNode.Scanner;
using CkptFS.DataNode.Security;
using CkptFS.DataNode.Transfer;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.Http;
using CkptFS.Protocol.Tls;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;
using Link = CkptFS.DataNode.NameNodeLink.NameNodeLink;

namespace CkptFS.DataNode;

/// <summary>
/// A running DataNode: block store (loaded from disk) → data transfer server → HTTP endpoints →
/// link to the NameNode (register, report, heartbeat), with the workers that run its commands
/// (re-replication copies, block recoveries). The data port opens before the node
/// registers, so every replica the NameNode learns of can be served; a DataNode that cannot reach
/// the NameNode keeps serving reads and keeps trying.
/// </summary>
public sealed partial class DataNodeServer : IAsyncDisposable
{
    private readonly DataTransferServer _transfer;
    private readonly StatusHttpServer? _http;
    private readonly DataNodeMetrics? _metrics;
    private readonly Link _link;
    private readonly BlockTransferWorker _copies;
    private readonly BlockRecoveryWorker _recoveries;
    private readonly BlockScanner _scanner;
    private readonly DataNodeReadiness _readiness;
    private readonly TimeSpan _drainTimeout;
    private readonly ILogger _logger;

    private DataNodeServer(DatanodeId id, BlockStore.BlockStore store, DataTransferServer transfer, StatusHttpServer? http, DataNodeMetrics? metrics, Link link,
        BlockTransferWorker copies, BlockRecoveryWorker recoveries, BlockScanner scanner, DataNodeReadiness readiness, TimeSpan drainTimeout, ILogger logger)
    {
        _readiness = readiness;
        _drainTimeout = drainTimeout;
        _recoveries = recoveries;
        _scanner = scanner;
        Id = id;
        Store = store;
        _transfer = transfer;
        _http = http;
        _metrics = metrics;
        _link = link;
        _copies = copies;
        _logger = logger;
    }

    /// <summary>Bound of each NameNode call of <see cref="StopForRestartAsync"/>: a few seconds, far below the pod's grace period.</summary>
    public static readonly TimeSpan ShutdownCallTimeout = TimeSpan.FromSeconds(5);

    public DatanodeId Id { get; }

    public BlockStore.BlockStore Store { get; }

    public int TransferPort => _transfer.Port;

    public static async Task<DataNodeServer> StartAsync(DataNodeOptions options, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        options.Validate();
        var logger = loggerFactory.CreateLogger<DataNodeServer>();
        var nodeId = DataNodeIdentity.LoadOrCreate(options.Storage.DataFolders[0], options.NodeId);
        var store = new BlockStore.BlockStore(options.Storage, loggerFactory.CreateLogger<BlockStore.BlockStore>());
        var keys = new BlockKeyRing(time);
        // One certificate for the HTTPS and transfer ports, re-read when it changes on disk.
        var certificates = options.Tls.Enabled ? CertificateReloader.Load(options.Tls, time, loggerFactory.CreateLogger<CertificateReloader>()) : null;
        var dialer = DataTransferDialer.For(options.NameNode.TlsCaFile);
        var transfer = new DataTransferServer(options.Storage, store, keys, loggerFactory, time, options.ServesTransferTls ? certificates : null, dialer);
        await transfer.StartAsync(cancellationToken);
        StatusHttpServer? http = null;
        DataNodeMetrics? metrics = null;
        DataNodeStatus? status = null;
        Link? link = null;
        var readiness = new DataNodeReadiness(options.NameNode.NameNodeAddress);
        var copies = new BlockTransferWorker(store, options.Transfers, loggerFactory.CreateLogger<BlockTransferWorker>(), dialer.CaFile);
        // The worker commits through the link, created below; it runs nothing before the link hands it a command.
        var recoveries = new BlockRecoveryWorker(options.Recovery, nodeId, (request, ct) => link!.CommitBlockSynchronizationAsync(request, ct),
            loggerFactory.CreateLogger<BlockRecoveryWorker>(), dialer);
        try
        {
            var id = new DatanodeId
            {
                DatanodeUuid = nodeId,
                Host = options.ResolveAdvertisedHost(),
                TransferPort = (uint)transfer.Port,
                Location = options.Location,
                TransferTls = transfer.ServesTls,
            };
            // HTTP first: its port is part of the identity the link registers (the link keeps a copy).
            if (options.HttpPort >= 0)
            {
                metrics = new DataNodeMetrics(nodeId, store, () => link?.IsRegistered == true);
                status = new DataNodeStatus(nodeId, store, options, () => link?.IsRegistered == true, time);
                http = await StatusHttpServer.StartAsync(options.Storage.BindAddress, options.HttpPort, loggerFactory,
                    routes => DataNodeHttpRoutes.Map(routes, metrics, readiness, status), cancellationToken, certificates);
                id.HttpPort = (uint)http.Port;
            }
            var secret = options.Security.ClusterSecretFile is { } secretFile ? ClusterSecret.Load(secretFile, "Security:ClusterSecretFile") : null;
            link = new Link(options.NameNode, id, store, keys, time, loggerFactory.CreateLogger<Link>(), copies, recoveries, secret);
            readiness.Link = link;
            var scanner = new BlockScanner(options.Scanner, store, link.ReportBadBlockAsync, time, loggerFactory.CreateLogger<BlockScanner>());
            if (status is not null)
            {
                status.Scanner = scanner;
            }
            await link.StartAsync(cancellationToken);
            scanner.Start();
            LogStarted(logger, nodeId, id.Host, transfer.Port, id.HttpPort, options.NameNode.NameNodeAddress, store.ListReplicas().Count);
            return new DataNodeServer(id, store, transfer, http, metrics, link, copies, recoveries, scanner, readiness, options.ShutdownDrainTimeout, logger);
        }
        catch
        {
            if (link is not null)
            {
                await link.DisposeAsync();
            }
            if (http is not null)
            {
                await http.DisposeAsync();
            }
            metrics?.Dispose();
            await copies.DisposeAsync();
            await recoveries.DisposeAsync();
            await transfer.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A stop for a restart (SIGTERM; HDFS maintenance), before <see cref="DisposeAsync"/>:
    ///   1. /readyz says 503 from now on;
    ///   2. the NameNode is told (at most <see cref="ShutdownCallTimeout"/>; unreachable: logged, go on):
    ///      it stops choosing this node, and neither declares it dead nor re-replicates its blocks
    ///      while it restarts;
    ///   3. new writes are refused, the writes in flight get up to ShutdownDrainTimeout to finish;
    ///   4. the last incremental block report goes out (at most <see cref="ShutdownCallTimeout"/>), so
    ///      the replicas finalized while draining count at once.
    /// </summary>
    public async Task StopForRestartAsync()
    {
        _readiness.MarkStopping();
        LogStopping(_logger, Id.DatanodeUuid, _drainTimeout);
        await _link.EnterMaintenanceAsync("SIGTERM: stopping for a restart", ShutdownCallTimeout);
        await _transfer.DrainAsync(_drainTimeout);
        await _link.FlushIncrementalReportsAsync(ShutdownCallTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        // The scanner first; the recoveries before the link, whose channel their commits use (a recover
        // command that arrives meanwhile is dropped: the NameNode starts it again); then the link (no
        // new commands), and the copies in flight are cancelled before the port closes.
        await _scanner.DisposeAsync();
        await _recoveries.DisposeAsync();
        await _link.DisposeAsync();
        await _copies.DisposeAsync();
        if (_http is not null)
        {
            await _http.DisposeAsync();
        }
        _metrics?.Dispose();
        await _transfer.DisposeAsync();
        LogStopped(_logger, Id.DatanodeUuid);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DataNode {NodeId} serving blocks on {Host}:{TransferPort} (HTTP {HttpPort}), NameNode {NameNode}, {Replicas} replicas on disk")]
    private static partial void LogStarted(ILogger logger, string nodeId, string host, int transferPort, uint httpPort, string nameNode, int replicas);

    [LoggerMessage(Level = LogLevel.Information, Message = "DataNode {NodeId} stopping for a restart: entering maintenance, draining writes for up to {DrainTimeout}")]
    private static partial void LogStopping(ILogger logger, string nodeId, TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "DataNode {NodeId} stopped")]
    private static partial void LogStopped(ILogger logger, string nodeId);
}
