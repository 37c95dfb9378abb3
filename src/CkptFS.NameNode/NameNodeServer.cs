using CkptFS.NameNode.Audit;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Events;
using CkptFS.NameNode.Http;
using CkptFS.NameNode.Leases;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;
using CkptFS.NameNode.Rpc;
using CkptFS.NameNode.Security;
using CkptFS.Protocol.Http;
using CkptFS.Protocol.Security;
using CkptFS.Protocol.Rpc;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace CkptFS.NameNode;

/// <summary>
/// A running NameNode: metadata store → namespace image → group committer → block map (the
/// image's blocks, no locations: safe mode) → DataNode registry → leases (every open file's,
/// renewed at start) → core and lease monitor → RPC (client and DataNode
/// protocols on one port) and HTTP endpoints. Start order makes the namespace durable state before the port opens; stop order
/// closes the port before the store.
/// </summary>
public sealed partial class NameNodeServer : IAsyncDisposable
{
    /// <summary>
    /// The health name that says whether this NameNode takes writes: NOT_SERVING while it is in safe
    /// mode (reads and DataNode registrations go on, and must: a readiness probe on "" that failed in
    /// safe mode would keep away the DataNodes whose reports end it), SERVING after.
    /// </summary>
    public const string WritesHealthService = "ckptfs.v1.ClientProtocol.Writes";

    private readonly RocksMetadataStore _store;
    private readonly GroupCommitter _committer;
    private readonly RpcServerHost _host;
    private readonly StatusHttpServer? _http;
    private readonly NameNodeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ITimer _replicationTimer;
    private readonly TaskCompletionSource _fatal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping;
    private readonly Task _leaseMonitor;
    private readonly Task _keyRoller;

    private NameNodeServer(RocksMetadataStore store, GroupCommitter committer, FsNamespace fs, BlockManager blocks, DatanodeManager datanodes,
        ReplicationMonitor replication, BlockTokenSecretManager tokens, BlockKeyRoller keyRoller, LeaseMonitor leaseMonitor, RpcServerHost host, StatusHttpServer? http, NameNodeMetrics metrics, TimeProvider time, TimeSpan replicationInterval,
        ILogger logger, CancellationTokenSource stopping)
    {
        _stopping = stopping;
        _store = store;
        _committer = committer;
        Namespace = fs;
        Blocks = blocks;
        Datanodes = datanodes;
        Replication = replication;
        Tokens = tokens;
        _host = host;
        _http = http;
        _metrics = metrics;
        _logger = logger;
        _committer.Faulted += exception => _fatal.TrySetException(exception);
        _host.Health.SetStatus(WritesHealthService, blocks.InSafeMode ? ServingStatus.NotServing : ServingStatus.Serving);
        _replicationTimer = time.CreateTimer(_ => RunReplicationScan(), null, replicationInterval, replicationInterval);
        _leaseMonitor = Task.Run(() => leaseMonitor.RunAsync(time, stopping.Token), CancellationToken.None);
        _keyRoller = Task.Run(() => keyRoller.RunAsync(stopping.Token), CancellationToken.None);
    }

    public FsNamespace Namespace { get; }

    public BlockManager Blocks { get; }

    public DatanodeManager Datanodes { get; }

    public ReplicationMonitor Replication { get; }

    public BlockTokenSecretManager Tokens { get; }

    public CheckpointManager Checkpoints { get; private init; } = null!;

    private CheckpointJanitor CheckpointJanitor { get; init; } = null!;

    /// <summary>The audit log's sink; null when Audit:Enabled is off.</summary>
    public AuditLog? Audit { get; private init; }

    public int RpcPort => _host.Port;

    public int? HttpPort => _http?.Port;

    /// <summary>Completes (faulted) when the NameNode can no longer serve safely, e.g. its metadata store failed.</summary>
    public Task Fatal => _fatal.Task;

    public static async Task<NameNodeServer> StartAsync(NameNodeOptions options, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        options.Validate();
        var logger = loggerFactory.CreateLogger<NameNodeServer>();
        var store = new RocksMetadataStore(Path.Combine(options.DataDirectory, "metadata"));
        var stopping = new CancellationTokenSource();
        RpcServerHost? host = null;
        StatusHttpServer? http = null;
        NameNodeMetrics? metrics = null;
        AuditLog? audit = null;
        try
        {
            var image = store.Load();
            LogLoaded(logger, options.DataDirectory, image.Tree.InodeCount, image.NextInodeId);
            var committer = new GroupCommitter(store, image, time, loggerFactory.CreateLogger<GroupCommitter>());
            var blocks = new BlockManager(options.Blocks, loggerFactory.CreateLogger<BlockManager>());
            var loaded = image.LoadedFiles;   // a walk of the tree when the store did not list them on its way: once
            blocks.LoadFiles(loaded.WithBlocks);
            var events = new NameNodeEventLog(time);
            var datanodes = new DatanodeManager(time, options.Datanodes, blocks, new Random(), loggerFactory.CreateLogger<DatanodeManager>()) { Events = events };
            var tokens = await BlockTokenSecretManager.StartAsync(time, options.BlockTokens, new CommittedBlockKeyStore(committer), image.BlockKeys, cancellationToken);
            LogBlockKeys(logger, tokens.Keys.CurrentKeyId, tokens.Keys.NextKeyId, image.BlockKeys is null ? "new" : "loaded", tokens.Keys.RollDueAt(options.BlockTokens));
            var replication = new ReplicationMonitor(blocks, datanodes, options.Replication, time, loggerFactory.CreateLogger<ReplicationMonitor>()) { Events = events };
            var leases = new LeaseManager(time, options.Leases);
            leases.Load(loaded.UnderConstruction);
            var recoveries = new BlockRecoveries(time, options.Leases);
            var fs = new FsNamespace(committer, options.Namespace, blocks, datanodes, leases, recoveries, loggerFactory.CreateLogger<FsNamespace>()) { Events = events };
            var leaseMonitor = new LeaseMonitor(fs, leases, recoveries, blocks, loggerFactory.CreateLogger<LeaseMonitor>());
            var clientTokens = new TokenManager(committer, image.Tokens ?? TokenState.Empty, options.Authentication, time);
            var checkpoints = new CheckpointManager(committer, fs, blocks, options.Checkpoints, loggerFactory.CreateLogger<CheckpointManager>());
            var services = new RpcServices()
                .Add(new ClientProtocolService(fs, new RetryCache(time, options.RetryCacheExpiry), blocks, datanodes, tokens, leases), ClientProtocol.Descriptor.FullName)
                .Add(new DatanodeProtocolService(datanodes, blocks, replication, tokens, fs, recoveries, stopping.Token), DatanodeProtocol.Descriptor.FullName)
                .Add(new CheckpointProtocolService(checkpoints, new RetryCache(time, options.RetryCacheExpiry)), CheckpointProtocol.Descriptor.FullName)
                .Add(new TokenProtocolService(clientTokens), TokenProtocol.Descriptor.FullName);
            if (options.Security.ClusterSecretFile is { } secretFile)
            {
                var secret = ClusterSecret.Load(secretFile, "Security:ClusterSecretFile");
                services.Intercept<DatanodeProtocolService, DataNodeAuthInterceptor>(
                    new DataNodeAuthInterceptor(secret, options.Security.ClusterProofSkew, time, loggerFactory.CreateLogger<DataNodeAuthInterceptor>()));
                LogDataNodeAuth(logger, secret.Path, options.Security.ClusterProofSkew);
            }
            if (options.Audit.Enabled)
            {
                audit = new AuditLog(options.Audit.PathIn(options.DataDirectory), options.Audit.QueueCapacity, loggerFactory.CreateLogger<AuditLog>());
                var auditor = new AuditInterceptor(audit, time);
                services.Intercept<ClientProtocolService, AuditInterceptor>(auditor).Intercept<CheckpointProtocolService, AuditInterceptor>(auditor)
                    .Intercept<TokenProtocolService, AuditInterceptor>(auditor);
            }
            if (options.Authentication.Mode == AuthenticationMode.Token)
            {
                // Inside the audit interceptor (added after it): refused calls get their audit line.
                var authenticator = new AuthenticationInterceptor(clientTokens, !string.IsNullOrWhiteSpace(options.Tls.ClientCaFile));
                services.Intercept<ClientProtocolService, AuthenticationInterceptor>(authenticator)
                    .Intercept<CheckpointProtocolService, AuthenticationInterceptor>(authenticator)
                    .Intercept<TokenProtocolService, AuthenticationInterceptor>(authenticator);
                var adminToken = await clientTokens.EnsureAdminTokenAsync(options.Authentication.AdminTokenFileIn(options.DataDirectory), cancellationToken);
                LogAuthentication(logger, adminToken, options.Authentication.Superusers, clientTokens.Count);
            }
            if (options.Permissions.Enabled)
            {
                // Innermost: the user is known (the token's when required) and a refusal is audited.
                var permissions = new PermissionInterceptor(fs, new CallerResolver(options.Permissions, options.Authentication));
                services.Intercept<ClientProtocolService, PermissionInterceptor>(permissions).Intercept<CheckpointProtocolService, PermissionInterceptor>(permissions);
            }
            var startedAt = time.GetUtcNow();
            host = await RpcServerHost.StartAsync(options.ToRpcServerOptions(), services, loggerFactory, cancellationToken);
            var rpcAddress = $"{options.BindAddress}:{host.Port}";
            metrics = new NameNodeMetrics(fs, committer, datanodes, replication, audit);
            var api = new NameNodeApi(fs, blocks, datanodes, checkpoints, committer, events, rpcAddress, startedAt, time);
            http = options.HttpPort < 0
                ? null
                : await StatusHttpServer.StartAsync(options.BindAddress, options.HttpPort, loggerFactory,
                    routes => NameNodeHttpRoutes.Map(routes, fs, committer, datanodes, metrics, api, rpcAddress, startedAt, stopping.Token), cancellationToken,
                    certificates: host.Certificates);
            var keyRoller = new BlockKeyRoller(tokens, time, loggerFactory.CreateLogger<BlockKeyRoller>());
            var server = new NameNodeServer(store, committer, fs, blocks, datanodes, replication, tokens, keyRoller, leaseMonitor, host, http, metrics, time, options.Replication.RecheckInterval,
                logger, stopping)
            {
                Checkpoints = checkpoints,
                CheckpointJanitor = new CheckpointJanitor(checkpoints, time, loggerFactory.CreateLogger<CheckpointJanitor>()),
                Audit = audit,
            };
            if (audit is not null)
            {
                LogAuditing(logger, audit.Path, options.Audit.QueueCapacity);
            }
            LogLeases(logger, leases.HolderCount, leases.OpenFileCount, options.Leases.SoftLimit, options.Leases.HardLimit);
            LogStarted(logger, options.BindAddress, host.Port, http?.Port, options.Namespace.DefaultReplication, options.Namespace.DefaultBlockSizeBytes);
            LogBlocks(logger, blocks.GetStats().TotalBlocks, blocks.InSafeMode, options.Blocks.SafeModeThreshold, options.Datanodes.StaleInterval, options.Datanodes.DeadInterval);
            return server;
        }
        catch
        {
            if (http is not null)
            {
                await http.DisposeAsync();
            }

            if (host is not null)
            {
                await host.DisposeAsync();
            }

            metrics?.Dispose();
            if (audit is not null)
            {
                await audit.DisposeAsync();
            }
            stopping.Dispose();
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A graceful stop (SIGTERM), bounded: health NOT_SERVING first (every name, and HTTP /readyz
    /// 503: the readiness probe fails at once); background work stops; the RPC port stops taking calls and gives those in
    /// flight up to Rpc:ShutdownTimeout (5 s) to finish; the group committer commits what they queued
    /// before the store closes. Well within Kubernetes' 30 s default grace.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var started = TimeProvider.System.GetTimestamp();
        _host.Health.SetStatus(WritesHealthService, ServingStatus.NotServing);
        _host.SetNotServing();
        // Before the host stops: the DataNodes' Connect streams it ends must not count as their disconnects.
        await _stopping.CancelAsync();
        await _replicationTimer.DisposeAsync();
        await CheckpointJanitor.DisposeAsync();
        await _leaseMonitor;
        await _keyRoller;   // before the committer: a roll in flight finishes durable or not at all
        await _host.DisposeAsync();
        if (_http is not null)
        {
            await _http.DisposeAsync();
        }

        _metrics.Dispose();
        if (Audit is not null)
        {
            await Audit.DisposeAsync();   // after the RPC port: the last calls' lines are written
        }
        _stopping.Dispose();
        Datanodes.Dispose();
        _committer.Dispose();
        _store.Dispose();
        LogStopped(_logger, TimeProvider.System.GetElapsedTime(started));
    }

    /// <summary>Timer callback: a failed scan is logged and the next one, a second later, starts afresh.</summary>
    private void RunReplicationScan()
    {
        try
        {
            _host.Health.SetStatus(WritesHealthService, Blocks.InSafeMode ? ServingStatus.NotServing : ServingStatus.Serving);
            Replication.Scan();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogReplicationScanFailed(_logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Replication scan failed")]
    private static partial void LogReplicationScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Authentication: bearer tokens required on every client call; superusers {Superusers}; the admin token is in {AdminTokenFile}; {Tokens} live tokens")]
    private static partial void LogAuthentication(ILogger logger, string adminTokenFile, string superusers, int tokens);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit log: one JSON line per namespace call to {AuditPath} (queue {QueueCapacity} lines)")]
    private static partial void LogAuditing(ILogger logger, string auditPath, int queueCapacity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded namespace from {DataDirectory}: {InodeCount} inodes, next inode id {NextInodeId}")]
    private static partial void LogLoaded(ILogger logger, string dataDirectory, long inodeCount, ulong nextInodeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "NameNode serving RPC on {BindAddress}:{RpcPort}, HTTP on {HttpPort}; default replication {Replication}, block size {BlockSize} bytes")]
    private static partial void LogStarted(ILogger logger, string bindAddress, int rpcPort, int? httpPort, int replication, long blockSize);

    [LoggerMessage(Level = LogLevel.Information, Message = "Block map: {Blocks} blocks, safe mode {SafeMode} (threshold {Threshold}); DataNodes stale after {Stale}, dead after {Dead}")]
    private static partial void LogBlocks(ILogger logger, long blocks, bool safeMode, double threshold, TimeSpan stale, TimeSpan dead);

    [LoggerMessage(Level = LogLevel.Information, Message = "Leases: {Holders} holders of {OpenFiles} open files, renewed now; soft limit {SoftLimit}, hard limit {HardLimit}")]
    private static partial void LogLeases(ILogger logger, int holders, int openFiles, TimeSpan softLimit, TimeSpan hardLimit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Block keys ({Source}, durable): key {CurrentKeyId} signs, key {NextKeyId} is next, next roll at {RollDueAt:u}")]
    private static partial void LogBlockKeys(ILogger logger, uint currentKeyId, uint nextKeyId, string source, DateTimeOffset rollDueAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "DataNodes must prove the cluster secret of {SecretFile} on every call (clock skew {Skew} accepted)")]
    private static partial void LogDataNodeAuth(ILogger logger, string secretFile, TimeSpan skew);

    [LoggerMessage(Level = LogLevel.Information, Message = "NameNode stopped in {Elapsed}")]
    private static partial void LogStopped(ILogger logger, TimeSpan elapsed);
}
