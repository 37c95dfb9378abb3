using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Transfer;

/// <summary>
/// INIT_REPLICA_RECOVERY on a replica's DataNode (HDFS InterDatanodeProtocol.initReplicaRecovery): the
/// primary of a block recovery asks what this replica holds. With a RECOVER token, the replica is marked
/// under the recovery and its writer stopped (BlockStore.InitReplicaRecoveryAsync); the answer carries
/// BlockOpResponse.recovery (genstamp, verified length, bytes on disk, finalized).
/// </summary>
internal sealed class InitReplicaRecoveryHandler(TransferContext context, string peer, Stream output, ReadDeadline deadline, OpInitReplicaRecoveryHeader header)
{
    public Task RunAsync() => RecoveryOp.RunAsync(context, peer, output, deadline, DataTransferOp.InitReplicaRecovery, header.Block, header.Token,
        async block => new BlockOpResponse
        {
            Status = TransferStatus.Success,
            Recovery = await context.Store.InitReplicaRecoveryAsync(block, header.RecoveryId, context.Stopping).ConfigureAwait(false),
        });
}
