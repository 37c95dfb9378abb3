using System.Diagnostics;
using System.Threading.Channels;
using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.Replication;

/// <summary>
/// Runs the NameNode's replicate commands: transfers wait in a bounded queue and
/// <see cref="BlockTransferOptions.MaxConcurrentTransfers"/> workers copy them (<see cref="BlockCopier"/>).
/// The heartbeat loop only enqueues, so a slow copy never delays a heartbeat. A failed copy is logged
/// and not retried here: the NameNode forgets it after its pending timeout and chooses again, maybe
/// another source or target.
/// </summary>
public sealed class BlockTransferWorker : IAsyncDisposable
{
    private readonly BlockStore.BlockStore _store;
    private readonly BlockTransferOptions _options;
    private readonly BlockWriterOptions _writerOptions;
    private readonly ILogger _logger;
    private readonly Channel<ReplicateBlocksCommand.Types.Transfer> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _workers;

    /// <param name="tlsCaFile">The CA bundle targets whose transfer port serves TLS are checked against.</param>
    public BlockTransferWorker(BlockStore.BlockStore store, BlockTransferOptions options, ILogger<BlockTransferWorker> logger, string? tlsCaFile = null)
    {
        options.Validate();
        _writerOptions = new BlockWriterOptions { TlsCaFile = tlsCaFile };
        _store = store;
        _options = options;
        _logger = logger;
        _queue = Channel.CreateBounded<ReplicateBlocksCommand.Types.Transfer>(new BoundedChannelOptions(options.MaxQueuedTransfers) { FullMode = BoundedChannelFullMode.Wait });
        _workers = [.. Enumerable.Range(0, options.MaxConcurrentTransfers).Select(_ => Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None))];
    }

    /// <summary>Queues the command's copies; returns at once. Copies beyond the queue's bound are dropped with a warning.</summary>
    public void Enqueue(ReplicateBlocksCommand command)
    {
        foreach (var transfer in command.Transfers)
        {
            if (!_queue.Writer.TryWrite(transfer))
            {
                BlockTransferLog.Dropped(_logger, new BlockId(transfer.Block?.BlockId ?? 0), _options.MaxQueuedTransfers);
            }
        }
        BlockTransferLog.Queued(_logger, command.Transfers.Count);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await Task.WhenAll(_workers);
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var transfer in _queue.Reader.ReadAllAsync(stopping))
            {
                await CopyOneAsync(transfer, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task CopyOneAsync(ReplicateBlocksCommand.Types.Transfer transfer, CancellationToken stopping)
    {
        var id = new BlockId(transfer.Block?.BlockId ?? 0);
        var targets = string.Join(", ", transfer.Targets.Select(t => $"{t.Host}:{t.TransferPort}"));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(_options.TransferTimeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var bytes = await BlockCopier.CopyAsync(_store, transfer, _writerOptions, deadline.Token);
            BlockTransferLog.Copied(_logger, id, bytes, targets, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            if (stopping.IsCancellationRequested)
            {
                // Shutting down: a copy cut short fails in whatever way the cut surfaced (cancelled,
                // broken pipe); the NameNode schedules it again after its pending timeout.
                BlockTransferLog.Cancelled(_logger, id, targets);
                return;
            }
            BlockTransferLog.CopyFailed(_logger, exception, id, targets);
        }
    }
}
