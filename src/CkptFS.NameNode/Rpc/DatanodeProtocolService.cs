using CkptFS.Common;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.DataNodes;
using CkptFS.NameNode.Leases;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Security;
using CkptFS.Protocol;
using CkptFS.Protocol.V1;
using Grpc.Core;

namespace CkptFS.NameNode.Rpc;

/// <summary>
/// ckptfs.v1.DatanodeProtocol handlers: translate, call the DataNode manager or the block map,
/// map back. Reports from a DataNode that is not registered (or was declared dead) are refused with
/// <see cref="ErrorCode.DataNodeNotRegistered"/>, so that it registers and sends a full report
/// first; a heartbeat from one is answered with reregister instead, as in HDFS.
/// </summary>
/// <param name="stopping">Fires when this NameNode stops: Connect streams it ends are not the DataNodes' disconnects.</param>
public sealed class DatanodeProtocolService(DatanodeManager datanodes, BlockManager blocks, ReplicationMonitor replication, BlockTokenSecretManager tokens,
    FsNamespace fs, BlockRecoveries recoveries, CancellationToken stopping)
    : DatanodeProtocol.DatanodeProtocolBase
{

    public override Task<RegisterDatanodeResponse> Register(RegisterDatanodeRequest request, ServerCallContext context)
    {
        if (request.Datanode is null || string.IsNullOrWhiteSpace(request.Datanode.DatanodeUuid) || string.IsNullOrWhiteSpace(request.Datanode.Host))
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, "Cannot register a DataNode without a uuid and a host.");
        }
        if (request.Datanode.TransferPort is 0 or > 65535)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot register DataNode {request.Datanode.DatanodeUuid}: transfer port {request.Datanode.TransferPort} is not 1..65535.");
        }
        datanodes.Register(request.Datanode.ToAddress());
        datanodes.Heartbeat(request.Datanode.DatanodeUuid, LoadOf(request.Storages, transfers: 0));
        var response = new RegisterDatanodeResponse();
        response.BlockKeys.AddRange(tokens.GetKeys());
        return Task.FromResult(response);
    }

    public override Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context)
    {
        if (!datanodes.Heartbeat(request.DatanodeUuid, LoadOf(request.Storages, (int)request.TransfersInProgress)))
        {
            return Task.FromResult(new HeartbeatResponse { Reregister = true });
        }
        var response = new HeartbeatResponse();
        response.BlockKeys.AddRange(tokens.GetKeys());
        var deletes = blocks.DrainDeletes(request.DatanodeUuid);
        if (deletes.Count > 0)
        {
            var command = new DeleteBlocksCommand();
            command.Blocks.AddRange(deletes.Select(b => b.ToProto()));
            response.Commands.Add(new DatanodeCommand { Delete = command });
        }
        var transfers = replication.DrainTransfers(request.DatanodeUuid);
        if (transfers.Count > 0)
        {
            response.Commands.Add(new DatanodeCommand { Replicate = ToCommand(transfers) });
        }
        var recoveryCommands = recoveries.Drain(request.DatanodeUuid);
        if (recoveryCommands.Count > 0)
        {
            response.Commands.Add(new DatanodeCommand { Recover = ToCommand(request.DatanodeUuid, recoveryCommands) });
        }
        return Task.FromResult(response);
    }

    public override Task<BlockReportResponse> BlockReport(BlockReportRequest request, ServerCallContext context)
    {
        RequireRegistered(request.DatanodeUuid);
        blocks.ProcessFullReport(request.DatanodeUuid, [.. request.Replicas.Select(r => r.ToReported())]);
        return Task.FromResult(new BlockReportResponse());
    }

    public override Task<IncrementalBlockReportResponse> IncrementalBlockReport(IncrementalBlockReportRequest request, ServerCallContext context)
    {
        RequireRegistered(request.DatanodeUuid);
        var changes = request.Changes.Select(c => (c.Replica.ToReported(), ToChange(c.Kind))).ToList();
        blocks.ProcessIncrementalReport(request.DatanodeUuid, changes);
        datanodes.BlocksReceived(request.DatanodeUuid, changes.Count(c => c.Item2 == ReplicaChange.Received));
        return Task.FromResult(new IncrementalBlockReportResponse());
    }

    public override Task<ReportBadBlocksResponse> ReportBadBlocks(ReportBadBlocksRequest request, ServerCallContext context)
    {
        RequireRegistered(request.DatanodeUuid);
        foreach (var block in request.Blocks)
        {
            blocks.MarkCorrupt(new BlockId(block.BlockId), request.DatanodeUuid, $"DataNode report: {request.Reason}");
        }
        return Task.FromResult(new ReportBadBlocksResponse());
    }

    /// <summary>The primary of a block recovery reports that the replicas agree (or hold nothing): the file is closed.</summary>
    public override async Task<CommitBlockSynchronizationResponse> CommitBlockSynchronization(CommitBlockSynchronizationRequest request, ServerCallContext context)
    {
        RequireRegistered(request.DatanodeUuid);
        var block = request.Block.ToFileBlock()
            ?? throw new CkptFsException(ErrorCode.InvalidArgument, "Cannot commit a block recovery: the request names no block.");
        if (!request.CloseFile)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot commit the recovery of {block.Id} without close_file: recovery always closes the file.");
        }
        if (request.NewLength > long.MaxValue)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"Cannot commit the recovery of {block.Id}: length {request.NewLength} is out of range.");
        }
        await fs.CommitBlockSynchronizationAsync(block, new GenerationStamp(request.NewGenerationStamp), (long)request.NewLength, request.DeleteBlock,
            [.. request.NewTargets], context.CancellationToken);
        return new CommitBlockSynchronizationResponse();
    }

    /// <summary>The node is stopping for a restart: maintenance (see DatanodeManager.Maintenance.cs).</summary>
    public override Task<EnterMaintenanceResponse> EnterMaintenance(EnterMaintenanceRequest request, ServerCallContext context)
    {
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "no reason given" : request.Reason;
        if (!datanodes.EnterMaintenance(request.DatanodeUuid, reason))
        {
            throw NotRegistered(request.DatanodeUuid);
        }
        return Task.FromResult(new EnterMaintenanceResponse { MaintenanceMs = (ulong)datanodes.Options.MaintenanceDuration.TotalMilliseconds });
    }

    /// <summary>
    /// Held open until the call's token fires (the DataNode went away: its connection broke or it
    /// cancelled the call) or this NameNode stops; only the first is recorded as a disconnect.
    /// </summary>
    public override async Task Connect(ConnectRequest request, IServerStreamWriter<ConnectEvent> events, ServerCallContext context)
    {
        if (!datanodes.StreamOpened(request.DatanodeUuid))
        {
            throw NotRegistered(request.DatanodeUuid);
        }
        // Ended by this NameNode's stop too: a stream left open would hold the RPC port's graceful
        // stop for its whole timeout (5 s) before being aborted.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        try
        {
            await events.WriteAsync(new ConnectEvent(), ended.Token);
            await Task.Delay(Timeout.InfiniteTimeSpan, ended.Token);
        }
        catch (Exception exception) when (ended.IsCancellationRequested && exception is OperationCanceledException or IOException)
        {
            // The call is over either way; ending it normally is all that is left to do.
        }
        finally
        {
            if (!stopping.IsCancellationRequested)
            {
                datanodes.StreamClosed(request.DatanodeUuid);
            }
        }
    }

    /// <summary>Each transfer carries a COPY token: the target accepts a DataNode-to-DataNode write only with one.</summary>
    private ReplicateBlocksCommand ToCommand(IReadOnlyList<ReplicationTransfer> transfers)
    {
        var command = new ReplicateBlocksCommand();
        foreach (var transfer in transfers)
        {
            var proto = new ReplicateBlocksCommand.Types.Transfer
            {
                Block = transfer.Block.ToProto(),
                Token = tokens.Issue(transfer.Source, transfer.Block.Id, AccessMode.Copy),
            };
            proto.Targets.AddRange(transfer.Targets.Select(t => t.ToProto()));
            command.Transfers.Add(proto);
        }
        return command;
    }

    /// <summary>Each recovery carries a RECOVER token, which every replica's DataNode checks before it stops its writer.</summary>
    private RecoverBlocksCommand ToCommand(string primary, IReadOnlyList<BlockRecovery> recoveryList)
    {
        var command = new RecoverBlocksCommand();
        foreach (var recovery in recoveryList)
        {
            var proto = new RecoverBlocksCommand.Types.Recovery
            {
                Block = recovery.Block.ToProto(),
                NewGenerationStamp = recovery.RecoveryId.Value,
                Token = tokens.Issue(primary, recovery.Block.Id, AccessMode.Recover),
            };
            proto.Replicas.AddRange(recovery.Replicas.Select(r => r.ToProto()));
            command.Recoveries.Add(proto);
        }
        return command;
    }

    private void RequireRegistered(string uuid)
    {
        if (!datanodes.IsRegistered(uuid))
        {
            throw NotRegistered(uuid);
        }
    }

    private static CkptFsException NotRegistered(string uuid) =>
        new(ErrorCode.DataNodeNotRegistered, $"DataNode {uuid} is not registered with this NameNode: register, then send a full block report.");

    private static ReplicaChange ToChange(IncrementalBlockReportRequest.Types.Kind kind) => kind switch
    {
        IncrementalBlockReportRequest.Types.Kind.Received => ReplicaChange.Received,
        IncrementalBlockReportRequest.Types.Kind.Receiving => ReplicaChange.Receiving,
        IncrementalBlockReportRequest.Types.Kind.Deleted => ReplicaChange.Deleted,
        _ => throw new CkptFsException(ErrorCode.InvalidArgument, $"Unknown incremental report kind {kind}."),
    };

    /// <summary>Storage summed over the node's healthy data folders.</summary>
    private static DatanodeLoad LoadOf(IEnumerable<StorageReport> storages, int transfers)
    {
        long capacity = 0, used = 0, remaining = 0;
        foreach (var storage in storages.Where(s => !s.Failed))
        {
            capacity += (long)storage.CapacityBytes;
            used += (long)storage.UsedBytes;
            remaining += (long)storage.RemainingBytes;
        }
        return new DatanodeLoad(capacity, used, remaining, transfers);
    }
}
