using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Checkpoints;

/// <summary>
/// Runs <see cref="CheckpointManager.CollectAllAsync"/> every <see cref="CheckpointOptions.ScanInterval"/>
/// on the injected clock. A pass still running when the timer fires again is not doubled; a pass
/// that fails is logged and the next one starts afresh.
/// </summary>
public sealed partial class CheckpointJanitor : IAsyncDisposable
{
    private readonly CheckpointManager _checkpoints;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _timer;
    private int _running;

    public CheckpointJanitor(CheckpointManager checkpoints, TimeProvider time, ILogger<CheckpointJanitor> logger)
    {
        _checkpoints = checkpoints;
        _logger = logger;
        var interval = checkpoints.Options.ScanInterval;
        _timer = time.CreateTimer(_ => _ = RunAsync(), null, interval, interval);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _timer.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }
        try
        {
            await _checkpoints.CollectAllAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping: the pass is abandoned, not failed.
        }
        catch (ObjectDisposedException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogScanFailed(_logger, exception);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Checkpoint housekeeping scan failed")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);
}
