using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Transfer;

/// <summary>
/// UPDATE_REPLICA_UNDER_RECOVERY on a replica's DataNode (HDFS InterDatanodeProtocol
/// .updateReplicaUnderRecovery): the primary has chosen the block's length; with a RECOVER token this
/// replica is cut to it, takes the recovery id as genstamp and is finalized
/// (BlockStore.UpdateReplicaUnderRecoveryAsync). The answer's replica_length is the final length.
/// </summary>
internal sealed class UpdateReplicaUnderRecoveryHandler(TransferContext context, string peer, Stream output, ReadDeadline deadline, OpUpdateReplicaUnderRecoveryHeader header)
{
    public Task RunAsync() => RecoveryOp.RunAsync(context, peer, output, deadline, DataTransferOp.UpdateReplicaUnderRecovery, header.Block, header.Token,
        async block =>
        {
            var length = (long)Math.Min(header.NewLength, long.MaxValue);
            var finalized = await context.Store.UpdateReplicaUnderRecoveryAsync(block, header.RecoveryId, length, context.Stopping).ConfigureAwait(false);
            return new BlockOpResponse { Status = TransferStatus.Success, ReplicaLength = finalized.NumBytes };
        });
}
