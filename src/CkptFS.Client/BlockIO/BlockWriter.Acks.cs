using CkptFS.Common;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.BlockIO;

/// <summary>
/// The ack side of <see cref="BlockWriter"/>: packets in flight stay in <see cref="_unacked"/> (seqno
/// order) until every replica acknowledged them, then go to a free list for reuse, so a steady write
/// rents no new buffers. The window semaphore counts free slots; a failure wakes every waiter, which
/// then recovers the pipeline (a new window) or throws.
/// </summary>
public sealed partial class BlockWriter
{
    private readonly Lock _ackLock = new();
    private readonly Queue<PacketBuffer> _unacked = new();
    private readonly Stack<PacketBuffer> _free = new();
    private SemaphoreSlim _window;
    private Task _ackLoop;
    private long _bytesAcknowledged;
    private long _lastAckedSeqno = -1;
    private TaskCompletionSource? _progress;
    private BlockPipelineException? _failure;
    private int _disposed;

    /// <summary>Packets sent and not yet acknowledged, oldest first: what pipeline recovery resends.</summary>
    internal IReadOnlyList<PacketBuffer> UnacknowledgedPackets
    {
        get
        {
            lock (_ackLock)
            {
                return [.. _unacked];
            }
        }
    }

    /// <summary>Cuts the connection (if still open) and returns every buffer to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopPipelineAsync().ConfigureAwait(false);
        lock (_ackLock)
        {
            _current?.Dispose();
            foreach (var packet in _unacked.Concat(_free))
            {
                packet.Dispose();
            }

            _unacked.Clear();
            _free.Clear();
        }

        _window.Dispose();
    }

    private PacketBuffer TakePacket(int dataCapacity)
    {
        lock (_ackLock)
        {
            if (_free.TryPop(out var packet) && packet.DataCapacity >= dataCapacity)
            {
                return packet;
            }

            packet?.Dispose();
        }

        return PacketBuffer.Rent(_options.PacketSizeBytes, _options.BytesPerChecksum);
    }

    /// <summary>Takes a window slot on a healthy pipeline (recovering a failed one first).</summary>
    private async ValueTask WaitForWindowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await EnsureHealthyAsync(cancellationToken).ConfigureAwait(false);
            if (!await _window.WaitAsync(_options.ReadTimeout, cancellationToken).ConfigureAwait(false))
            {
                FailNoAck();
            }
            else if (Volatile.Read(ref _failure) is null)
            {
                return;
            }

            // Woken by a failure: the slot belonged to the failed pipeline's window, which recovery replaces.
        }
    }

    private async Task WaitForAckAsync(long seqno, CancellationToken cancellationToken)
    {
        while (true)
        {
            await EnsureHealthyAsync(cancellationToken).ConfigureAwait(false);
            Task progress;
            lock (_ackLock)
            {
                if (_failure is not null)
                {
                    continue;
                }

                if (_lastAckedSeqno >= seqno)
                {
                    return;
                }

                _progress ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                progress = _progress.Task;
            }

            try
            {
                await progress.WaitAsync(_options.ReadTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                FailNoAck();
            }
        }
    }

    private async Task ReadAcksAsync()
    {
        var connection = _connection;
        try
        {
            while (true)
            {
                var ack = await DataTransferCodec.ReadMessageAsync(connection.Input, PipelineAck.Parser, CancellationToken.None).ConfigureAwait(false);
                if (!Acknowledge(ack, out var last))
                {
                    return;
                }

                _window.Release();
                if (last)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or CkptFsException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            Fail(FirstNodeFailure($"The ack stream of {new BlockId(_block.Block.BlockId)} from DataNode {connection.Address} broke: {exception.Message}", exception));
        }
    }

    /// <summary>Retires the oldest packet when <paramref name="ack"/> is all SUCCESS for it; false (and failed) otherwise.</summary>
    private bool Acknowledge(PipelineAck ack, out bool last)
    {
        last = false;
        lock (_ackLock)
        {
            if (!_unacked.TryPeek(out var packet) || packet.Header.Seqno != ack.Seqno)
            {
                throw new DataTransferProtocolException($"An ack for seqno {ack.Seqno} arrived while waiting for {(packet is null ? "none" : packet.Header.Seqno)}.");
            }

            var bad = BadNodeChooser.FromAck(ack.Replies, _block.Locations.Count);
            if (bad >= 0)
            {
                var status = bad < ack.Replies.Count ? ack.Replies[bad] : TransferStatus.Error;
                var node = _block.Locations[bad];
                Fail(new BlockPipelineException(DataNodeConnection.CodeOf(status), bad, node, "", status,
                    $"DataNode {DataNodeConnection.AddressOf(node)} (index {bad}) reported {status} for packet {ack.Seqno} of {new BlockId(_block.Block.BlockId)}."));
                return false;
            }

            _unacked.Dequeue();
            Interlocked.Exchange(ref _bytesAcknowledged, packet.Header.OffsetInBlock + packet.Header.DataLen);
            _lastAckedSeqno = ack.Seqno;
            last = packet.Header.LastPacketInBlock;
            _free.Push(packet);
            _progress?.TrySetResult();
            _progress = null;
            return true;
        }
    }

    private void FailNoAck() =>
        Fail(FirstNodeFailure($"No ack for {new BlockId(_block.Block.BlockId)} from DataNode {_connection.Address} in {_options.ReadTimeout.TotalSeconds:0.###} s."));

    private void FailSend(DataNodeConnection connection, Exception exception) =>
        Fail(FirstNodeFailure($"Sending {new BlockId(_block.Block.BlockId)} to DataNode {connection.Address} failed: {exception.Message}", exception));

    /// <summary>A failure blamed on the first node: the client talks only to it, and a broken connection or silence says nothing of the others.</summary>
    private BlockPipelineException FirstNodeFailure(string message, Exception? exception = null) =>
        new(ErrorCode.Unavailable, 0, _block.Locations[0], "", TransferStatus.Error, message, exception);

    private void Fail(BlockPipelineException failure)
    {
        SemaphoreSlim window;
        lock (_ackLock)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = failure;
            window = _window;
            _progress?.TrySetResult();
            _progress = null;
        }

        window.Release(_options.WindowPackets);
    }
}
