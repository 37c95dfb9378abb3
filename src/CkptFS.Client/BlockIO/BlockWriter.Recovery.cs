using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.BlockIO;

/// <summary>
/// Step 6 of <see cref="BlockWriter"/>, the writer's half of pipeline recovery (HDFS
/// DataStreamer.setupPipelineForAppendOrRecovery); the <see cref="IPipelineRecovery"/> drives it:
///   1. a write, flush or close finds the pipeline failed and hands the failure to the recovery;
///   2. the recovery gets a new generation stamp from the NameNode and calls <see cref="ReconnectAsync"/>
///      with the surviving nodes: stage SETUP_STREAMING_RECOVERY, min_bytes_received = the bytes every
///      node acknowledged (each node truncates its rbw replica to exactly that);
///   3. it commits the new pipeline at the NameNode (UpdatePipeline), then calls <see cref="ResendAsync"/>:
///      every unacknowledged packet again, same seqnos and offsets (the first may restart a partial
///      chunk below min_bytes_received, after an hflush that ended mid-chunk);
///   4. the interrupted call goes on. A failure during any step is handed to the recovery again, which
///      bounds the attempts; when it gives up, this and every later call throws its error.
/// </summary>
public sealed partial class BlockWriter
{
    private Exception? _abandoned;

    /// <summary>
    /// Sets up a new pipeline for the same block: <paramref name="block"/> carries the new generation
    /// stamp, its token and the surviving nodes in order. Throws a <see cref="BlockPipelineException"/>
    /// (index into <paramref name="block"/>'s locations) when the setup fails; the writer then stays failed.
    /// </summary>
    internal async Task ReconnectAsync(LocatedBlock block, CancellationToken cancellationToken)
    {
        await StopPipelineAsync().ConfigureAwait(false);
        var connection = await SetUpAsync(block, _clientName, PipelineStage.SetupStreamingRecovery, BytesAcknowledged, _options, cancellationToken).ConfigureAwait(false);
        lock (_ackLock)
        {
            _block = block;
            _connection = connection;
            _window.Dispose();
            _window = new SemaphoreSlim(_options.WindowPackets - _unacked.Count);
            _failure = null;
        }

        _ackLoop = Task.Run(ReadAcksAsync);
    }

    /// <summary>
    /// Sends every unacknowledged packet again on the pipeline <see cref="ReconnectAsync"/> set up. A
    /// send that fails marks the pipeline failed (the next call recovers again) instead of throwing.
    /// </summary>
    internal async Task ResendAsync(CancellationToken cancellationToken)
    {
        var connection = _connection;
        foreach (var packet in UnacknowledgedPackets)
        {
            try
            {
                await connection.Output.WriteAsync(packet.Frame, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                FailSend(connection, exception);
                return;
            }
        }
    }

    /// <summary>
    /// Ends a block whose last packet failed after every data byte was acknowledged, without its last
    /// ack: <paramref name="holders"/> finalized the whole block (they said so, or refused to continue a
    /// replica they had finalized). The NameNode learns it from their reports and re-replicates the rest.
    /// </summary>
    internal async Task FinishWithoutLastAckAsync(IReadOnlyList<DatanodeId> holders)
    {
        await StopPipelineAsync().ConfigureAwait(false);
        lock (_ackLock)
        {
            while (_unacked.TryDequeue(out var packet))
            {
                _free.Push(packet);
            }

            var block = _block.Clone();
            block.Locations.Clear();
            block.Locations.Add(holders);
            _block = block;
            _lastAckedSeqno = _nextSeqno - 1;
            Interlocked.Exchange(ref _bytesAcknowledged, _bytesWritten);
            _failure = null;
        }
    }

    /// <summary>Returns at once on a healthy pipeline; recovers a failed one, or throws when there is no recovery or it gave up.</summary>
    private async ValueTask EnsureHealthyAsync(CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _failure) is { } failure)
        {
            if (_abandoned is not null)
            {
                throw new CkptFsException(_abandoned is CkptFsException known ? known.Code : ErrorCode.Unavailable, _abandoned.Message, _abandoned);
            }

            if (_recovery is null)
            {
                throw new BlockPipelineException(failure.Code, failure.BadNodeIndex, failure.BadNode, failure.FirstBadLink, failure.Status, failure.Message, failure);
            }

            try
            {
                await _recovery.RecoverAsync(this, failure, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                _abandoned = exception;
                throw;
            }
        }
    }

    /// <summary>Cuts the current connection and waits for its ack task to end; safe to call again.</summary>
    private async Task StopPipelineAsync()
    {
        _connection.Abort();
        await _ackLoop.ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
