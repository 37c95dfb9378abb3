using System.Net.Sockets;
using CkptFS.Common;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Transfer;

/// <summary>
/// The connection from a receiver to the next DataNode of the pipeline (its mirror): the forwarded
/// header, the packets as received, and the mirror's acks. A failed forward is remembered, not
/// thrown: the packet is still stored here, and the responder reports the mirror as ERROR in the ack
/// of the first packet whose ack it cannot read, so the client knows which node to drop.
/// </summary>
internal sealed class MirrorLink : IDisposable
{
    private readonly DataTransferSocket _connection;
    private readonly Stream _network;
    private readonly BufferedStream _input;
    private readonly ReadDeadline _deadline;
    private readonly ReadDeadline _ackDeadline;

    private MirrorLink(string address, DataTransferSocket connection, ReadDeadline deadline, TimeProvider time, CancellationToken stopping)
    {
        Address = address;
        _connection = connection;
        _deadline = deadline;
        _ackDeadline = new ReadDeadline(deadline.Timeout, time, stopping);
        _network = connection.Stream;
        _input = new BufferedStream(_network, 4096);
    }

    public string Address { get; }

    public bool Failed { get; private set; }

    public string? FailureReason { get; private set; }

    /// <summary>
    /// Connects to targets[0] and forwards the header with targets[1..]; returns the link and null, or null
    /// and the failed response to send upstream (first_bad_link names the node that failed).
    /// </summary>
    public static async Task<(MirrorLink? Link, BlockOpResponse? Failure)> ConnectAsync(TransferContext context, OpWriteBlockHeader header)
    {
        var target = header.Targets[0];
        var address = TransferStatuses.Address(target);
        var forwarded = header.Clone();
        forwarded.Targets.Clear();
        forwarded.Targets.Add(header.Targets.Skip(1));
        var deadline = new ReadDeadline(context.Options.SocketTimeout, context.Time, context.Stopping);
        MirrorLink? link = null;
        try
        {
            var connection = await context.Dialer.ConnectAsync(target, deadline.Arm()).ConfigureAwait(false);
            link = new MirrorLink(address, connection, deadline, context.Time, context.Stopping);
            await DataTransferCodec.WriteRequestAsync(link._network, DataTransferOp.WriteBlock, forwarded, deadline.Arm()).ConfigureAwait(false);
            var response = await DataTransferCodec.ReadMessageAsync(link._input, BlockOpResponse.Parser, deadline.Arm()).ConfigureAwait(false);
            if (response.Status == TransferStatus.Success)
            {
                return (link, null);
            }

            link.Dispose();
            response.FirstBadLink = string.IsNullOrEmpty(response.FirstBadLink) ? address : response.FirstBadLink;
            response.Message = $"mirror {address}: {response.Message}";
            return (null, response);
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or CkptFsException)
        {
            if (link is null)
            {
                deadline.Dispose();
            }
            else
            {
                link.Dispose();
            }

            var reason = exception is OperationCanceledException ? $"no answer in {context.Options.SocketTimeout.TotalSeconds:0.###} s" : exception.Message;
            return (null, new BlockOpResponse { Status = TransferStatus.Error, FirstBadLink = address, Message = $"mirror {address} failed: {reason}", ErrorCode = (uint)ErrorCode.Unavailable });
        }
    }

    /// <summary>Sends a received packet frame on unchanged; a failure is recorded (see the class comment).</summary>
    public async ValueTask ForwardAsync(ReadOnlyMemory<byte> frame)
    {
        if (Failed)
        {
            return;
        }

        try
        {
            await _network.WriteAsync(frame, _deadline.Arm()).ConfigureAwait(false);
            _deadline.Disarm();
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Fail(exception is OperationCanceledException ? "send timed out" : exception.Message);
        }
    }

    /// <summary>The mirror's replies for <paramref name="seqno"/>, or null when its ack cannot be read or is out of order.</summary>
    public async ValueTask<PipelineAck?> ReadAckAsync(long seqno, CancellationToken stop)
    {
        if (Failed)
        {
            return null;
        }

        try
        {
            using var linked = stop.UnsafeRegister(static state => ((ReadDeadline)state!).Cancel(), _ackDeadline);
            var ack = await DataTransferCodec.ReadMessageAsync(_input, PipelineAck.Parser, _ackDeadline.Arm()).ConfigureAwait(false);
            _ackDeadline.Disarm();
            if (ack.Seqno == seqno && ack.Replies.Count > 0)
            {
                return ack;
            }

            Fail($"ack for seqno {ack.Seqno} while waiting for {seqno}");
            return null;
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or CkptFsException or ObjectDisposedException)
        {
            Fail(exception is OperationCanceledException ? "no ack in time" : exception.Message);
            return null;
        }
    }

    public void Dispose()
    {
        _input.Dispose();
        _connection.Dispose();
        _deadline.Dispose();
        _ackDeadline.Dispose();
    }

    private void Fail(string reason)
    {
        Failed = true;
        FailureReason ??= reason;
    }
}
