using CkptFS.Common;
using CkptFS.DataNode.BlockStore;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Transfer;

/// <summary>Steps 1 and 2 of WRITE_BLOCK: what is checked before anything is created, the replica's writer, and how a refusal is answered.</summary>
internal sealed partial class BlockReceiver
{
    private CkptFsException? CheckRequest()
    {
        if (header.Block is null)
        {
            return new CkptFsException(ErrorCode.InvalidArgument, "The write header names no block.");
        }

        if (!IsSupported(header.Stage))
        {
            return new CkptFsException(ErrorCode.InvalidArgument, $"Pipeline stage {header.Stage} is not supported yet.");
        }

        if (header.BytesPerChecksum is 0 or > DataTransferProtocol.MaxBytesPerChecksum)
        {
            return new CkptFsException(ErrorCode.InvalidArgument, $"bytes_per_checksum {header.BytesPerChecksum} is outside 1..{DataTransferProtocol.MaxBytesPerChecksum}.");
        }

        try
        {
            if (header.Stage == PipelineStage.TransferRbw)
            {
                // The writer's own token (it asked for the transfer) or a COPY one, as at the source.
                context.Keys.Verify(header.Token, _block, AccessMode.Write, AccessMode.Copy);
            }
            else
            {
                context.Keys.Verify(header.Token, _block, header.ClientName.Length == 0 ? AccessMode.Copy : AccessMode.Write);
            }

            return null;
        }
        catch (CkptFsException exception)
        {
            return exception;
        }
    }

    private CkptFsException Stopping() => new(ErrorCode.Unavailable,
        "This DataNode is stopping for a restart (maintenance): it takes no new writes; choose another DataNode.");

    /// <summary>
    /// Step 2: a new rbw replica, or for streaming recovery the existing one continued at the new genstamp.
    /// TRANSFER_RBW refuses any replica of the block at the same or a newer genstamp, even one nobody
    /// writes (HDFS createTemporary): a writer's own bytes are never replaced by a copy.
    /// </summary>
    private async Task<ReplicaWriter> OpenWriterAsync() =>
        header.Stage == PipelineStage.SetupStreamingRecovery
            ? await context.Store.RecoverRbwAsync(header.Block, (int)header.BytesPerChecksum, (long)Math.Min(header.MinBytesReceived, long.MaxValue), context.Stopping)
                .ConfigureAwait(false)
            : context.Store.CreateRbw(header.Block, (int)header.BytesPerChecksum, replaceIdleRbw: header.Stage != PipelineStage.TransferRbw);

    private static bool IsSupported(PipelineStage stage) =>
        stage is PipelineStage.SetupCreate or PipelineStage.SetupStreamingRecovery or PipelineStage.TransferFinalized or PipelineStage.TransferRbw;

    private async Task RefuseAsync(CkptFsException refusal)
    {
        var response = TransferStatuses.Failure(refusal);
        if (!IsSupported(header.Stage) && header.Stage != PipelineStage.Unspecified)
        {
            response.Status = TransferStatus.ErrorUnsupported;
        }

        TransferLog.Refused(context.Logger, DataTransferOp.WriteBlock, _block, peer, response.Status, refusal.Message);
        await DataTransferCodec.WriteMessageAsync(upstream, response, deadline.Arm()).ConfigureAwait(false);
    }
}
