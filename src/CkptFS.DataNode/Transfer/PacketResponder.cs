using System.Threading.Channels;
using CkptFS.Common;
using CkptFS.Common.Faults;
using CkptFS.DataNode.BlockStore;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Transfer;

/// <summary>
/// The ack side of a receiver (HDFS's PacketResponder), on its own task: for each packet the receiver
/// queued, in seqno order, reads the mirror's ack (when there is a mirror and the packet was stored),
/// finalizes the replica on the last packet once every node downstream acked it (HDFS's order),
/// sends upstream [own status] + the mirror's replies, and raises the replica's visible length when
/// every reply is SUCCESS. Stops after the last packet's ack or the first ack that reports an error.
/// A TRANSFER_RBW copy is not finalized at the last packet: it is fsynced and stays rbw.
/// </summary>
internal sealed class PacketResponder(TransferContext context, string peer, Stream upstream, MirrorLink? mirror, ReplicaWriter writer, ChannelReader<PendingAck> queue,
    PipelineStage stage)
{
    private readonly CancellationTokenSource _stopped = new();

    /// <summary>Cancelled when the responder has stopped: the receiver must not wait to queue more.</summary>
    public CancellationToken Stopped => _stopped.Token;

    /// <summary>Why the ack path ended early (a failed mirror, a failed upstream write), or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>True once the last packet was acked SUCCESS upstream: every node from here on holds the replica whole.</summary>
    public bool Completed { get; private set; }

    /// <summary>Runs until the last ack, an error ack, or <paramref name="abort"/> (the receiver failed).</summary>
    public async Task RunAsync(CancellationToken abort)
    {
        using var deadline = new ReadDeadline(context.Options.SocketTimeout, context.Time, context.Stopping);
        var ack = new PipelineAck();
        try
        {
            await foreach (var pending in queue.ReadAllAsync(abort).ConfigureAwait(false))
            {
                ack.Seqno = pending.Seqno;
                ack.Replies.Clear();
                ack.Replies.Add(pending.Status);
                if (pending.Status == TransferStatus.Success && mirror is not null)
                {
                    var mirrorAck = await mirror.ReadAckAsync(pending.Seqno, abort).ConfigureAwait(false);
                    if (mirrorAck is null)
                    {
                        Failure = $"mirror {mirror.Address}: {mirror.FailureReason}";
                        ack.Replies.Add(TransferStatus.Error);
                    }
                    else
                    {
                        ack.Replies.Add(mirrorAck.Replies);
                    }
                }

                if (pending.Last && ack.Replies.All(reply => reply == TransferStatus.Success))
                {
                    ack.Replies[0] = FinalizeReplica();
                }

                var success = ack.Replies.All(reply => reply == TransferStatus.Success);
                if (success)
                {
                    writer.Acknowledge(pending.EndOffset);
                }

                await DataTransferCodec.WriteMessageAsync(upstream, ack, deadline.Arm()).ConfigureAwait(false);
                deadline.Disarm();
                if (!success || pending.Last)
                {
                    Failure ??= success ? null : $"packet {pending.Seqno} acked with {string.Join(",", ack.Replies)}";
                    Completed = success;
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            Failure ??= exception is OperationCanceledException ? "stopped" : $"upstream: {exception.Message}";
        }
        finally
        {
            await _stopped.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Finalizes (a copy: syncs) after every node downstream acked the last packet; a failure is this node's status.</summary>
    private TransferStatus FinalizeReplica()
    {
        try
        {
            FaultPoints.Hit(FaultPoint.DataNodeBeforeFinalize);
            if (stage == PipelineStage.TransferRbw)
            {
                writer.SyncAsRbw();
            }
            else
            {
                writer.FinalizeReplica();
            }

            return TransferStatus.Success;
        }
        catch (CkptFsException exception)
        {
            return BlockReceiver.Discard(context, writer, peer, exception);
        }
    }
}
