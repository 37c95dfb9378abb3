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

        if (header.Stage is not (PipelineStage.SetupCreate or PipelineStage.SetupStreamingRecovery or PipelineStage.TransferFinalized))
        {
            return new CkptFsException(ErrorCode.InvalidArgument, $"Pipeline stage {header.Stage} is not supported yet.");
        }

        if (header.BytesPerChecksum is 0 or > DataTransferProtocol.MaxBytesPerChecksum)
        {
            return new CkptFsException(ErrorCode.InvalidArgument, $"bytes_per_checksum {header.BytesPerChecksum} is outside 1..{DataTransferProtocol.MaxBytesPerChecksum}.");
        }

        try
        {
            context.Keys.Verify(header.Token, _block, header.ClientName.Length == 0 ? AccessMode.Copy : AccessMode.Write);
            return null;
        }
        catch (CkptFsException exception)
        {
            return exception;
        }
    }

    /// <summary>Step 2: a new rbw replica, or for streaming recovery the existing one continued at the new genstamp.</summary>
    private async Task<ReplicaWriter> OpenWriterAsync() =>
        header.Stage == PipelineStage.SetupStreamingRecovery
            ? await context.Store.RecoverRbwAsync(header.Block, (int)header.BytesPerChecksum, (long)Math.Min(header.MinBytesReceived, long.MaxValue), context.Stopping)
                .ConfigureAwait(false)
            : context.Store.CreateRbw(header.Block, (int)header.BytesPerChecksum);

    private async Task RefuseAsync(CkptFsException refusal)
    {
        var response = TransferStatuses.Failure(refusal);
        if (header.Stage is not (PipelineStage.SetupCreate or PipelineStage.SetupStreamingRecovery or PipelineStage.TransferFinalized or PipelineStage.Unspecified))
        {
            response.Status = TransferStatus.ErrorUnsupported;
        }

        TransferLog.Refused(context.Logger, DataTransferOp.WriteBlock, _block, peer, response.Status, refusal.Message);
        await DataTransferCodec.WriteMessageAsync(upstream, response, deadline.Arm()).ConfigureAwait(false);
    }
}
