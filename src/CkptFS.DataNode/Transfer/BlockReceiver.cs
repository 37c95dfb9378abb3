using System.Threading.Channels;
using CkptFS.Common;
using CkptFS.Common.Faults;
using CkptFS.Common.Checksums;
using CkptFS.DataNode.BlockStore;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Transfer;

/// <summary>
/// WRITE_BLOCK on the receiving DataNode (HDFS's BlockReceiver). Steps:
/// 1. Check the header (stage CREATE, STREAMING_RECOVERY, TRANSFER_FINALIZED or TRANSFER_RBW, chunk
///    size) and the token: WRITE, or COPY when client_name is empty (another DataNode is the source);
///    TRANSFER_RBW takes either (the writer's token, passed on by the source of TRANSFER_BLOCK).
/// 2. CREATE and the TRANSFERs: create the rbw replica (refused when one at the same or a newer
///    genstamp exists). STREAMING_RECOVERY: continue the existing rbw replica at the new genstamp, cut
///    to min_bytes_received, after stopping its old writer (BlockStore.RecoverRbwAsync).
/// 3. With targets: connect to targets[0] and forward the header (same stage) with targets[1..]; its
///    failure is answered upstream with first_bad_link, and a new replica is discarded (a continued one
///    stays rbw: it holds acknowledged bytes the next recovery needs).
/// 4. Reply SUCCESS upstream, start the <see cref="PacketResponder"/>.
/// 5. Per packet: verify every chunk BEFORE storing or forwarding (a mismatch is acked ERROR_CHECKSUM
///    and the replica discarded), forward to the mirror while writing to disk, fsync when sync_block,
///    queue it for its ack (bounded: at most <see cref="MaxQueuedPackets"/>).
/// 6. The empty last packet: forward it and queue it; the responder finalizes (fsync, move to
///    finalized/) only after the mirror acked it, then acks upstream: the client's last ack means every
///    replica is finalized, and a pipeline that fails at its end leaves no replica finalized above the
///    failure (streaming recovery continues rbw replicas only).
/// TRANSFER_RBW is the same, except that the last packet leaves the replica rbw, fsynced (the writer's
/// streaming recovery continues it), and that a copy which did not arrive whole is discarded: no writer
/// would ever continue it, and it would refuse the next TRANSFER_BLOCK of the block.
/// A connection cut mid-block leaves the rbw replica (visible up to the bytes acked) for recovery. So
/// does a recovery that stops this writer (ReplicaWriter.StopRequested): the pending read is cancelled,
/// the responder aborted, and the connections closed, within SocketTimeout at worst.
/// A node stopping for a restart (SIGTERM) refuses new writes at step 1 (Unavailable, "stopping"): the
/// client's pipeline setup excludes it and asks for another node; writes already admitted go on.
/// A packet this node cannot store (a full disk: ERROR_DISK_FULL) is acked with its own status in its
/// own slot, so the client knows which node to drop; the replica is discarded, never finalized.
/// </summary>
internal sealed partial class BlockReceiver(TransferContext context, string peer, Stream input, Stream upstream, ReadDeadline deadline, OpWriteBlockHeader header)
{
    /// <summary>Packets stored but not yet acked; the client's window (80 by default) stays below it, so the bound only stops a peer that ignores acks.</summary>
    private const int MaxQueuedPackets = 128;

    private readonly BlockId _block = new(header.Block?.BlockId ?? 0);

    public async Task RunAsync()
    {
        if (CheckRequest() is { } refusal)
        {
            await RefuseAsync(refusal).ConfigureAwait(false);
            return;
        }

        if (!context.Writes.TryEnter())
        {
            await RefuseAsync(Stopping()).ConfigureAwait(false);
            return;
        }

        try
        {
            await ReceiveAsync().ConfigureAwait(false);
        }
        finally
        {
            context.Writes.Exit();
        }
    }

    /// <summary>Steps 2 to 6, for a write the gate admitted.</summary>
    private async Task ReceiveAsync()
    {
        ReplicaWriter writer;
        try
        {
            writer = await OpenWriterAsync().ConfigureAwait(false);
        }
        catch (CkptFsException exception)
        {
            await RefuseAsync(exception).ConfigureAwait(false);
            return;
        }

        MirrorLink? mirror = null;
        var completed = false;
        try
        {
            if (header.Targets.Count > 0)
            {
                (mirror, var failure) = await MirrorLink.ConnectAsync(context, header).ConfigureAwait(false);
                if (failure is not null)
                {
                    TransferLog.MirrorFailed(context.Logger, failure.FirstBadLink, _block, failure.Message);
                    if (header.Stage != PipelineStage.SetupStreamingRecovery)
                    {
                        writer.Discard();
                    }

                    await DataTransferCodec.WriteMessageAsync(upstream, failure, deadline.Arm()).ConfigureAwait(false);
                    return;
                }
            }

            await DataTransferCodec.WriteMessageAsync(upstream, new BlockOpResponse { Status = TransferStatus.Success }, deadline.Arm()).ConfigureAwait(false);
            completed = await ReceivePacketsAsync(writer, mirror).ConfigureAwait(false);
        }
        finally
        {
            mirror?.Dispose();
            if (!completed && header.Stage == PipelineStage.TransferRbw)
            {
                writer.Discard();
            }

            writer.Dispose();
        }
    }

    /// <summary>Steps 4 to 6; true when the last packet was stored and acked SUCCESS by every node from here on.</summary>
    private async Task<bool> ReceivePacketsAsync(ReplicaWriter writer, MirrorLink? mirror)
    {
        var queue = Channel.CreateBounded<PendingAck>(new BoundedChannelOptions(MaxQueuedPackets) { SingleReader = true, SingleWriter = true });
        var responder = new PacketResponder(context, peer, upstream, mirror, writer, queue.Reader, header.Stage);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(writer.StopRequested);
        using var stop = writer.StopRequested.UnsafeRegister(static state => ((ReadDeadline)state!).Cancel(), deadline);
        var responderTask = responder.RunAsync(abort.Token);
        var finished = false;
        try
        {
            using var packet = PacketBuffer.RentForReceive(writer.BytesPerChecksum);
            while (!finished)
            {
                if (!await packet.ReadAsync(input, writer.BytesPerChecksum, deadline.Arm()).ConfigureAwait(false))
                {
                    throw new DataTransferProtocolException($"The connection closed before the last packet of {_block} ({writer.BytesOnDisk} bytes received).");
                }

                var status = await StorePacketAsync(packet, writer, mirror).ConfigureAwait(false);
                finished = packet.Header.LastPacketInBlock || status != TransferStatus.Success;
                var pending = new PendingAck(packet.Header.Seqno, packet.Header.OffsetInBlock + packet.Header.DataLen, packet.Header.LastPacketInBlock, status);
                await queue.Writer.WriteAsync(pending, responder.Stopped).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (writer.StopRequested.IsCancellationRequested && exception is OperationCanceledException or IOException)
        {
            // A recovery took the replica over: the connection closes when this returns.
        }
        catch (OperationCanceledException) when (responder.Stopped.IsCancellationRequested)
        {
            // The responder stopped first (upstream or mirror failed): its reason is logged below.
        }
        finally
        {
            queue.Writer.TryComplete();
            if (!finished)
            {
                await abort.CancelAsync().ConfigureAwait(false);
            }

            await responderTask.ConfigureAwait(false);
        }

        if (writer.StopRequested.IsCancellationRequested)
        {
            TransferLog.WriterStopped(context.Logger, _block, peer, writer.BytesOnDisk);
        }
        else if (responder.Failure is { } failure)
        {
            TransferLog.WriteFailed(context.Logger, _block, peer, failure);
        }
        else
        {
            TransferLog.Received(context.Logger, _block, writer.BytesOnDisk, peer, header.Targets.Count);
        }

        return responder.Completed;
    }

    /// <summary>Verifies, forwards and stores one packet (finalizes on the last); returns this node's status for it.</summary>
    private async ValueTask<TransferStatus> StorePacketAsync(PacketBuffer packet, ReplicaWriter writer, MirrorLink? mirror)
    {
        var packetHeader = packet.Header;
        if (packetHeader.LastPacketInBlock && packetHeader.DataLen != 0)
        {
            throw new DataTransferProtocolException($"The last packet of {_block} carries {packetHeader.DataLen} bytes; it must be empty.");
        }

        var badChunk = ChunkChecksums.Verify(packet.Data, writer.BytesPerChecksum, packet.Checksums);
        if (badChunk >= 0)
        {
            TransferLog.ChecksumMismatch(context.Logger, packetHeader.Seqno, _block, peer, badChunk);
            writer.Discard();
            return TransferStatus.ErrorChecksum;
        }

        var forward = mirror?.ForwardAsync(packet.Frame) ?? ValueTask.CompletedTask;
        try
        {
            // The last packet carries nothing to store: the responder finalizes once every node downstream acked it.
            if (!packetHeader.LastPacketInBlock)
            {
                writer.Write(packetHeader.OffsetInBlock, packet.Data, packet.Checksums);
                if (packetHeader.SyncBlock)
                {
                    writer.Sync();
                }
                FaultPoints.Hit(FaultPoint.DataNodeAfterPacketStoredBeforeAck);
            }

            return TransferStatus.Success;
        }
        catch (CkptFsException exception)
        {
            return Discard(context, writer, peer, exception);
        }
        finally
        {
            await forward.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// This node cannot keep the replica (a full or failed disk, a failed finalize): nothing half-written
    /// stays; the status, in this node's ack slot, tells the client which node to drop.
    /// </summary>
    internal static TransferStatus Discard(TransferContext context, ReplicaWriter writer, string peer, CkptFsException exception)
    {
        TransferLog.WriteFailed(context.Logger, writer.BlockId, peer, exception.Message);
        writer.Discard(exception);
        return TransferStatuses.For(exception.Code);
    }
}
