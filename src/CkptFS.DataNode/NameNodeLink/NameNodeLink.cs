using CkptFS.Common;
using CkptFS.DataNode.BlockStore;
using CkptFS.DataNode.Recovery;
using CkptFS.DataNode.Replication;
using CkptFS.DataNode.Security;
using CkptFS.Protocol;
using CkptFS.Protocol.Rpc;
using CkptFS.Protocol.Tls;
using CkptFS.Protocol.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.NameNodeLink;

/// <summary>
/// A DataNode's link to its NameNode (HDFS BPServiceActor). The NameNode never calls a DataNode;
/// this link calls it:
///   1. Register (retried with back-off for as long as it takes: a DataNode that cannot reach its
///      NameNode keeps serving reads), taking the block keys from the reply;
///   2. a full block report right after each registration, then every FullBlockReportInterval;
///   3. a heartbeat every HeartbeatInterval with storage and load; the reply carries the current
///      block keys and commands: delete (done here), replicate (handed to the transfer worker, which
///      copies in the background), recover (handed to the recovery worker, which commits each
///      recovery through <see cref="CommitBlockSynchronizationAsync"/>);
///      "reregister" (the NameNode restarted, or declared this node dead) goes back to 1;
///   4. a Connect stream opened after each registration and held open (reopened with back-off if it
///      breaks, closed when told to register again or on dispose): when this process dies or its
///      connection is reset, the NameNode sees the stream break and declares this node dead after
///      a short grace instead of the long heartbeat timeout;
///   5. replica changes from the block store, coalesced per block and sent as one incremental
///      report IncrementalReportDelay after the first change, or as soon as a replica is finalized,
///      during that delay too (a separate loop, so that a slow
///      heartbeat never delays the reports that writers' AddBlock and Complete wait for).
/// </summary>
public sealed partial class NameNodeLink : IAsyncDisposable
{
    private readonly NameNodeLinkOptions _options;
    private readonly DatanodeId _self;
    private readonly IReplicaCatalog _catalog;
    private readonly BlockKeyRing _keys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BlockTransferWorker? _transfers;
    private readonly BlockRecoveryWorker? _recoveries;
    private readonly GrpcChannel _channel;
    private readonly DatanodeProtocol.DatanodeProtocolClient _namenode;
    private readonly IncrementalReportBuffer _incremental = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly TaskCompletionSource _firstRegistration = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _registered;
    private volatile bool _reported;
    private volatile bool _connected;
    private DateTimeOffset _lastFullReport;
    private Task _heartbeatLoop = Task.CompletedTask;
    private Task _incrementalLoop = Task.CompletedTask;
    private long _heartbeatsSent;

    /// <param name="self">This DataNode's identity: its stable uuid, the host and ports peers use, its location label.</param>
    /// <param name="transfers">Runs replicate commands; without one (tests of the link alone) they are logged and ignored.</param>
    /// <param name="recoveries">Runs recover commands; without one they are logged and ignored.</param>
    /// <param name="clusterSecret">Proves this node belongs to the cluster on every call (Security:ClusterSecretFile); null sends no proof.</param>
    public NameNodeLink(NameNodeLinkOptions options, DatanodeId self, IReplicaCatalog catalog, BlockKeyRing keys, TimeProvider time, ILogger<NameNodeLink> logger,
        BlockTransferWorker? transfers = null, BlockRecoveryWorker? recoveries = null, ClusterSecret? clusterSecret = null)
    {
        options.Validate();
        if (string.IsNullOrWhiteSpace(self.DatanodeUuid))
        {
            throw new ArgumentException("The DataNode's id has no uuid.", nameof(self));
        }
        _options = options;
        _self = self.Clone();
        _catalog = catalog;
        _keys = keys;
        _time = time;
        _logger = logger;
        _transfers = transfers;
        _recoveries = recoveries;
        _channel = RpcChannel.ForAddress(options.NameNodeAddress, options.TlsCaFile);
        var invoker = RpcChannel.Invoker(_channel);
        _namenode = new DatanodeProtocol.DatanodeProtocolClient(clusterSecret is null ? invoker : invoker.Intercept(new ClusterProofInterceptor(clusterSecret, _self.DatanodeUuid, time)));
    }

    /// <summary>Completes when the first registration (and its full block report) succeeded.</summary>
    public Task FirstRegistration => _firstRegistration.Task;

    /// <summary>True between a successful registration and a heartbeat reply that says reregister.</summary>
    public bool IsRegistered => _registered;

    /// <summary>True once the full block report after the current registration was accepted: the NameNode knows every replica here (readiness).</summary>
    public bool IsReported => _reported;

    /// <summary>True while the Connect stream is open and the NameNode has acknowledged it.</summary>
    public bool IsConnected => _connected;

    public long HeartbeatsSent => Interlocked.Read(ref _heartbeatsSent);

    /// <summary>Starts the loops and returns at once: registration goes on in the background until it succeeds.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        _catalog.ReplicaChanged += _incremental.Add;
        _heartbeatLoop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        _incrementalLoop = Task.Run(() => SendIncrementalReportsAsync(_stopping.Token), CancellationToken.None);
        LogStarted(_options.NameNodeAddress, _self.DatanodeUuid);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _catalog.ReplicaChanged -= _incremental.Add;
        await _stopping.CancelAsync();
        await Task.WhenAll(_heartbeatLoop, _incrementalLoop);
        _stopping.Dispose();
        _sending.Dispose();
        _channel.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await RegisterUntilDoneAsync(stopping);
                await HeartbeatWhileConnectedAsync(stopping);
                continue;
            }
            catch (Exception exception) when (IsStopping(exception, stopping))
            {
                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Never a silent end of the link: a node that stops heartbeating is written off.
                LogLinkFailed(exception, _options.NameNodeAddress, _options.ReconnectBackoffInitial);
            }
            try
            {
                await Task.Delay(_options.ReconnectBackoffInitial, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RegisterUntilDoneAsync(CancellationToken stopping)
    {
        var backoff = _options.ReconnectBackoffInitial;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RegisterAndReportAsync(stopping);
                return;
            }
            catch (RpcException exception) when (TlsMismatch(exception) is { } mismatch)
            {
                // A configuration error, not an outage: one clear line, no stack trace; it may be fixed on the NameNode's side.
                LogRegistrationTlsMismatch(mismatch, attempt, backoff);
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested && exception is not OutOfMemoryException)
            {
                LogRegistrationFailed(exception, _options.NameNodeAddress, attempt, backoff);
            }
            await Task.Delay(backoff, _time, stopping);
            backoff = NextBackoff(backoff);
        }
    }

    private string? TlsMismatch(RpcException exception) =>
        TlsFailure.Describe(exception, "NameNode", _options.NameNodeAddress, _options.TlsCaFile, "DataNode:NameNode:TlsCaFile, CKPTFS_DATANODE__NAMENODE__TLSCAFILE or --tls-ca");

    private async Task RegisterAndReportAsync(CancellationToken stopping)
    {
        var request = new RegisterDatanodeRequest { Datanode = _self, SoftwareVersion = typeof(NameNodeLink).Assembly.GetName().Version?.ToString() ?? string.Empty };
        request.Storages.AddRange(_catalog.GetStorageReports());
        var reply = await _namenode.RegisterAsync(request, Call(stopping));
        _keys.Update(reply.BlockKeys);
        _registered = true;
        LogRegistered(_options.NameNodeAddress, _keys.Count);
        await SendFullReportAsync(stopping);
        _reported = true;
        _firstRegistration.TrySetResult();
    }

    /// <summary>
    /// Pending incremental changes are dropped first: the full report that follows lists the
    /// catalog as it is after that point, so nothing is lost (a change raised in between is sent twice, harmlessly).
    /// Incremental reports wait while it is listed and sent (<see cref="_sending"/>): one sent in
    /// between could reach the NameNode first with a replica the listing missed, which the full
    /// report would then remove (a restarted node written to before its report was processed).
    /// </summary>
    private async Task SendFullReportAsync(CancellationToken stopping)
    {
        await _sending.WaitAsync(stopping);
        try
        {
            _incremental.TakeAll();
            var report = new BlockReportRequest { DatanodeUuid = _self.DatanodeUuid };
            report.Replicas.AddRange(_catalog.ListReplicas());
            await _namenode.BlockReportAsync(report, Call(stopping));
            _lastFullReport = _time.GetUtcNow();
            LogFullReport(report.Replicas.Count);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Heartbeats with the Connect stream held open alongside, until told to register again; then closes the stream.</summary>
    private async Task HeartbeatWhileConnectedAsync(CancellationToken stopping)
    {
        using var registration = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var stream = Task.Run(() => KeepConnectedAsync(registration.Token), CancellationToken.None);
        try
        {
            await HeartbeatUntilToldToRegisterAsync(stopping);
        }
        finally
        {
            await registration.CancelAsync();
            await stream;
        }
    }

    private async Task HeartbeatUntilToldToRegisterAsync(CancellationToken stopping)
    {
        while (true)
        {
            await Task.Delay(_options.HeartbeatInterval, _time, stopping);
            try
            {
                var request = new HeartbeatRequest { DatanodeUuid = _self.DatanodeUuid, TransfersInProgress = (uint)Math.Max(0, _catalog.TransfersInProgress) };
                request.Storages.AddRange(_catalog.GetStorageReports());
                var reply = await _namenode.HeartbeatAsync(request, Call(stopping));
                Interlocked.Increment(ref _heartbeatsSent);
                if (reply.Reregister)
                {
                    _registered = _reported = false;
                    LogToldToRegister(_options.NameNodeAddress);
                    return;
                }
                _keys.Update(reply.BlockKeys);
                foreach (var command in reply.Commands)
                {
                    Execute(command);
                }
                if (_time.GetUtcNow() - _lastFullReport >= _options.FullBlockReportInterval)
                {
                    await SendFullReportAsync(stopping);
                }
            }
            catch (CkptFsException exception) when (exception.Code == ErrorCode.DataNodeNotRegistered)
            {
                _registered = _reported = false;
                LogToldToRegister(_options.NameNodeAddress);
                return;
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested && exception is not OutOfMemoryException)
            {
                // Keep heartbeating at the normal pace: the NameNode may be restarting, and it declares
                // this node dead only after minutes without a heartbeat.
                LogHeartbeatFailed(exception, _options.NameNodeAddress);
            }
        }
    }

    private void Execute(DatanodeCommand command)
    {
        switch (command.CommandCase)
        {
            case DatanodeCommand.CommandOneofCase.Delete:
                var deleted = 0;
                foreach (var block in command.Delete.Blocks)
                {
                    try
                    {
                        deleted += _catalog.Delete(block) ? 1 : 0;
                    }
                    catch (Exception exception) when (exception is not OutOfMemoryException)
                    {
                        LogDeleteFailed(exception, block.BlockId);
                    }
                }
                LogDeleted(command.Delete.Blocks.Count, deleted);
                break;
            case DatanodeCommand.CommandOneofCase.Replicate when _transfers is not null:
                _transfers.Enqueue(command.Replicate);
                break;
            case DatanodeCommand.CommandOneofCase.Recover when _recoveries is not null:
                _recoveries.Enqueue(command.Recover);
                break;
            default:
                LogCommandIgnored(command.CommandCase.ToString());
                break;
        }
    }

    private async Task SendIncrementalReportsAsync(CancellationToken stopping)
    {
        var backoff = _options.ReconnectBackoffInitial;
        try
        {
            while (await _incremental.WaitAsync(stopping))
            {
                await _incremental.WaitForBatchAsync(_options.IncrementalReportDelay, _time, stopping);
                if (!_registered)
                {
                    // Kept: the full report after the next registration replaces them.
                    continue;
                }
                try
                {
                    await SendIncrementalReportAsync(Call(stopping), stopping);
                    backoff = _options.ReconnectBackoffInitial;
                }
                catch (Exception exception) when (!stopping.IsCancellationRequested && exception is not OutOfMemoryException)
                {
                    LogIncrementalFailed(exception, _incremental.Count, backoff);
                    await Task.Delay(backoff, _time, stopping);
                    backoff = NextBackoff(backoff);
                }
            }
        }
        catch (Exception exception) when (IsStopping(exception, stopping))
        {
        }
    }

    /// <summary>
    /// Sends the pending changes as one incremental report; on failure they go back to the buffer.
    /// One send at a time (the loop's, or the last one before a stop: <see cref="FlushIncrementalReportsAsync"/>),
    /// so that a stop never cuts a report in flight whose changes would then be lost.
    /// </summary>
    private async Task SendIncrementalReportAsync(CallOptions call, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            var changes = _incremental.TakeAll();
            if (changes.Count == 0)
            {
                return;
            }
            try
            {
                var request = new IncrementalBlockReportRequest { DatanodeUuid = _self.DatanodeUuid };
                request.Changes.AddRange(changes);
                await _namenode.IncrementalBlockReportAsync(request, call);
            }
            catch
            {
                _incremental.Return(changes);
                throw;
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>
    /// Opens the Connect stream and reads it until it ends; reopens it with back-off when it breaks
    /// (the NameNode restarted or is unreachable: the heartbeat loop finds out which). No deadline:
    /// the stream is meant to outlive any call timeout. Returns only when <paramref name="registration"/> fires,
    /// which cancels the call and so tells the NameNode this node is going.
    /// </summary>
    private async Task KeepConnectedAsync(CancellationToken registration)
    {
        var backoff = _options.ReconnectBackoffInitial;
        try
        {
            while (true)
            {
                try
                {
                    using var call = _namenode.Connect(new ConnectRequest { DatanodeUuid = _self.DatanodeUuid }, cancellationToken: registration);
                    await foreach (var _ in call.ResponseStream.ReadAllAsync(registration))
                    {
                        _connected = true;
                        backoff = _options.ReconnectBackoffInitial;
                        LogConnected(_options.NameNodeAddress);
                    }
                    LogConnectStreamBroken(null, _options.NameNodeAddress, backoff);
                }
                catch (Exception exception) when (!registration.IsCancellationRequested && exception is not OutOfMemoryException)
                {
                    LogConnectStreamBroken(exception, _options.NameNodeAddress, backoff);
                }
                finally
                {
                    _connected = false;
                }
                await Task.Delay(backoff, _time, registration);
                backoff = NextBackoff(backoff);
            }
        }
        catch (Exception) when (registration.IsCancellationRequested)
        {
            // Told to register again (or stopping): whatever the call in flight ended with (cancelled,
            // or the new NameNode's refusal of a node it does not know yet) no longer matters.
        }
    }

    /// <summary>
    /// What a loop sees when its token fires: a cancelled delay, or a call in flight that the
    /// channel reports as CANCELLED. Either ends the loop quietly; anything else is a failure.
    /// </summary>
    private static bool IsStopping(Exception exception, CancellationToken token) =>
        token.IsCancellationRequested && exception is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled };

    private CallOptions Call(CancellationToken stopping) => new(deadline: DateTime.UtcNow + _options.CallTimeout, cancellationToken: stopping);

    /// <summary>The wait after one more failure: doubled, at most ReconnectBackoffMax.</summary>
    private TimeSpan NextBackoff(TimeSpan backoff) => TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.ReconnectBackoffMax.Ticks));
}
