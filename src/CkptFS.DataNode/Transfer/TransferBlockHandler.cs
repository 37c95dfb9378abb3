using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.DataNode.BlockStore;
using CkptFS.DataNode.Replication;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Transfer;

/// <summary>
/// TRANSFER_BLOCK on the source DataNode (HDFS DataXceiver.transferBlock): a writer whose pipeline lost
/// a node wants its replacement to hold the bytes acknowledged so far. Steps:
/// 1. Check the token (the writer's WRITE, or COPY) and the header (a block, targets, a chunk size).
/// 2. Open the replica read-only, as a reader does: its own writer, if the old pipeline still runs
///    here, goes on undisturbed. It must have the block's genstamp exactly (an older one is stale, a
///    newer one means a recovery moved on: the writer's view is stale), this chunk size, and at least
///    num_bytes visible (acknowledged) bytes; finalized meanwhile is fine.
/// 3. Stream exactly its first num_bytes bytes to targets[0] as WRITE_BLOCK stage TRANSFER_RBW
///    (<see cref="BlockCopier.SendAsync"/>: whole chunks verified against their stored checksums) and
///    wait for the last packet's ack: every target then holds them durably, rbw.
/// 4. Answer one BlockOpResponse: SUCCESS, or the failure with first_bad_link naming the failed target
///    (empty when this node refused or failed, so the writer picks another source).
/// </summary>
internal sealed class TransferBlockHandler(TransferContext context, string peer, Stream output, ReadDeadline deadline, OpTransferBlockHeader header)
{
    private readonly BlockId _block = new(header.Block?.BlockId ?? 0);

    public async Task RunAsync()
    {
        var targets = string.Join(", ", header.Targets.Select(TransferStatuses.Address));
        BlockOpResponse response;
        try
        {
            using var replica = OpenReplica();
            var located = new LocatedBlock { Block = header.Block, Token = header.Token };
            located.Locations.AddRange(header.Targets);
            var length = (long)header.Block.NumBytes;
            await BlockCopier.SendAsync(replica, located, header.ClientName, PipelineStage.TransferRbw, length, WriterOptions(), context.Stopping).ConfigureAwait(false);
            TransferLog.Transferred(context.Logger, _block, length, header.Block.GenerationStamp, targets, header.ClientName);
            response = new BlockOpResponse { Status = TransferStatus.Success, ReplicaLength = (ulong)length };
        }
        catch (BlockPipelineException failure)
        {
            var badTarget = failure.BadNode is null ? failure.FirstBadLink : TransferStatuses.Address(failure.BadNode);
            TransferLog.TransferFailed(context.Logger, _block, targets, badTarget, failure.Message);
            response = TransferStatuses.Failure(failure, badTarget);
        }
        catch (CkptFsException refusal)
        {
            response = TransferStatuses.Failure(refusal);
            TransferLog.Refused(context.Logger, DataTransferOp.TransferBlock, _block, peer, response.Status, refusal.Message);
        }

        await DataTransferCodec.WriteMessageAsync(output, response, deadline.Arm()).ConfigureAwait(false);
    }

    /// <summary>Steps 1 and 2.</summary>
    private ReplicaInput OpenReplica()
    {
        if (header.Block is null || header.Targets.Count == 0)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, "The TRANSFER_BLOCK header names no block or no target.");
        }

        context.Keys.Verify(header.Token, _block, AccessMode.Write, AccessMode.Copy);
        var replica = context.Store.OpenForRead(header.Block);
        try
        {
            CheckReplica(replica);
            return replica;
        }
        catch
        {
            replica.Dispose();
            throw;
        }
    }

    private void CheckReplica(ReplicaInput replica)
    {
        if (replica.GenerationStamp.Value != header.Block.GenerationStamp)
        {
            throw new CkptFsException(ErrorCode.StaleGenerationStamp,
                $"The replica of {_block} here has genstamp {replica.GenerationStamp}, not the {header.Block.GenerationStamp} to transfer: a recovery moved the block on; ask the NameNode for its current state.");
        }

        if (replica.BytesPerChecksum != header.BytesPerChecksum)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"The replica of {_block} here has {replica.BytesPerChecksum}-byte chunks, not {header.BytesPerChecksum}.");
        }

        if ((ulong)replica.Length < header.Block.NumBytes)
        {
            throw new CkptFsException(ErrorCode.BlockNotFound,
                $"The replica of {_block} here holds {replica.Length} acknowledged bytes, fewer than the {header.Block.NumBytes} to transfer; use another source.");
        }
    }

    /// <summary>The copy's own connection waits as long as any data transfer socket here (SocketTimeout).</summary>
    private BlockWriterOptions WriterOptions() => new()
    {
        ConnectTimeout = context.Options.SocketTimeout,
        ReadTimeout = context.Options.SocketTimeout,
        TlsCaFile = context.Dialer.CaFile,
    };
}
