using System.Net.Sockets;
using CkptFS.Common;
using CkptFS.DataNode.Transfer;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;
using Google.Protobuf;

namespace CkptFS.DataNode.Recovery;

/// <summary>
/// The primary's side of the block recovery ops (HDFS InterDatanodeProtocol, carried on the data port):
/// one connection per call, the op request, one BlockOpResponse. The primary calls every replica this
/// way, itself included, so there is one code path for the logic (BlockStore's). A refusal is thrown as
/// the CkptFsException the replica named (BlockNotFound, StaleGenerationStamp, RecoveryInProgress...);
/// a replica that cannot be reached, breaks the protocol or does not answer within the timeout is
/// Unavailable.
/// </summary>
public static class ReplicaRecoveryClient
{
    /// <summary>INIT_REPLICA_RECOVERY: marks the replica on <paramref name="node"/> under recovery <paramref name="recoveryId"/> and says what it holds.</summary>
    public static async Task<ReplicaRecoveryInfo> InitAsync(DatanodeId node, ExtendedBlock block, AccessToken token, ulong recoveryId, TimeSpan timeout,
        DataTransferDialer dialer, CancellationToken cancellationToken)
    {
        var header = new OpInitReplicaRecoveryHeader { Block = block, Token = token, RecoveryId = recoveryId };
        var response = await CallAsync(node, DataTransferOp.InitReplicaRecovery, block, header, timeout, dialer, cancellationToken).ConfigureAwait(false);
        return response.Recovery
            ?? throw new CkptFsException(ErrorCode.Unavailable, $"DataNode {TransferStatuses.Address(node)} accepted INIT_REPLICA_RECOVERY of {new BlockId(block.BlockId)} without saying what it holds.");
    }

    /// <summary>UPDATE_REPLICA_UNDER_RECOVERY: the replica on <paramref name="node"/> ends finalized with <paramref name="newLength"/> bytes at genstamp <paramref name="recoveryId"/>; returns its length.</summary>
    public static async Task<long> UpdateAsync(DatanodeId node, ExtendedBlock block, AccessToken token, ulong recoveryId, long newLength, TimeSpan timeout,
        DataTransferDialer dialer, CancellationToken cancellationToken)
    {
        var header = new OpUpdateReplicaUnderRecoveryHeader { Block = block, Token = token, RecoveryId = recoveryId, NewLength = (ulong)newLength };
        var response = await CallAsync(node, DataTransferOp.UpdateReplicaUnderRecovery, block, header, timeout, dialer, cancellationToken).ConfigureAwait(false);
        return (long)response.ReplicaLength;
    }

    private static async Task<BlockOpResponse> CallAsync(DatanodeId node, DataTransferOp op, ExtendedBlock block, IMessage header, TimeSpan timeout,
        DataTransferDialer dialer, CancellationToken cancellationToken)
    {
        var address = TransferStatuses.Address(node);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        BlockOpResponse response;
        try
        {
            await using var connection = await dialer.ConnectAsync(node, deadline.Token).ConfigureAwait(false);
            await using var input = new BufferedStream(connection.Stream, 1024);
            await DataTransferCodec.WriteRequestAsync(connection.Stream, op, header, deadline.Token).ConfigureAwait(false);
            response = await DataTransferCodec.ReadMessageAsync(input, BlockOpResponse.Parser, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or SocketException or DataTransferProtocolException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = exception is OperationCanceledException ? $"no answer in {timeout.TotalSeconds:0.###} s" : exception.Message;
            throw new CkptFsException(ErrorCode.Unavailable, $"{op} of {new BlockId(block.BlockId)} on DataNode {address} failed: {reason}", exception);
        }

        if (response.Status != TransferStatus.Success)
        {
            var code = response.ErrorCode != 0 ? (ErrorCode)response.ErrorCode : ErrorCode.Unavailable;
            throw new CkptFsException(code, $"DataNode {address} refused {op}: {response.Status} {response.Message}");
        }

        return response;
    }
}
