using System.Threading.Channels;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.NameNodeLink;

/// <summary>
/// Replica changes waiting for the next incremental report, coalesced per block (the latest change
/// of a block is the one the NameNode needs), so memory is bounded by the replicas this node holds
/// and <see cref="Add"/> never blocks the block store thread that raised the change.
/// </summary>
internal sealed class IncrementalReportBuffer
{
    private readonly object _lock = new();
    private Dictionary<ulong, IncrementalBlockReportRequest.Types.Change> _pending = [];
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _receivedSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>A finalized replica is waiting: a writer's Complete is waiting for it, so it goes out without the batching delay (as HDFS does).</summary>
    private bool HasReceived
    {
        get
        {
            lock (_lock)
            {
                return _pending.Values.Any(c => c.Kind == IncrementalBlockReportRequest.Types.Kind.Received);
            }
        }
    }

    public void Add(IncrementalBlockReportRequest.Types.Change change)
    {
        lock (_lock)
        {
            _pending[change.Replica.Block.BlockId] = change;
        }
        _signal.Writer.TryWrite(true);
        if (change.Kind == IncrementalBlockReportRequest.Types.Kind.Received)
        {
            _receivedSignal.Writer.TryWrite(true);
        }
    }

    /// <summary>Waits until something was added since the last wait.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _signal.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>
    /// The batching delay: waits <paramref name="delay"/>, or less if a finalized replica is added
    /// meanwhile (a pipeline's "receiving" change starts the delay, and its "received" change a few
    /// milliseconds later must not wait out the rest of it: the writer's Complete is waiting for it).
    /// </summary>
    public async Task WaitForBatchAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        if (HasReceived)
        {
            return;
        }
        using var timeout = new CancellationTokenSource(delay, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await _receivedSignal.Reader.WaitToReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The delay passed without a finalized replica.
        }
    }

    /// <summary>Takes every pending change (and the wake-up signals with them).</summary>
    public List<IncrementalBlockReportRequest.Types.Change> TakeAll()
    {
        _signal.Reader.TryRead(out _);
        _receivedSignal.Reader.TryRead(out _);
        lock (_lock)
        {
            var taken = _pending.Values.ToList();
            _pending = [];
            return taken;
        }
    }

    /// <summary>Puts back changes a failed report did not deliver, unless a newer change of the same block arrived meanwhile.</summary>
    public void Return(IEnumerable<IncrementalBlockReportRequest.Types.Change> changes)
    {
        lock (_lock)
        {
            foreach (var change in changes)
            {
                _pending.TryAdd(change.Replica.Block.BlockId, change);
            }
        }
        _signal.Writer.TryWrite(true);
    }
}
