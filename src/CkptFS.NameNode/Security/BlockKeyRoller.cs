using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Security;

/// <summary>
/// Rolls the block keys on schedule: sleeps (on the injected clock) until the current key's turn
/// ends, then rolls. A failed roll (the metadata store refused the write) is logged and retried
/// after <see cref="RetryDelay"/>; meanwhile the current key keeps signing, within its margin.
/// </summary>
public sealed partial class BlockKeyRoller(BlockTokenSecretManager tokens, TimeProvider time, ILogger<BlockKeyRoller> logger)
{
    /// <summary>The wait after a failed roll, and the longest sleep (a clock change is noticed within it): 1 minute.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = RetryDelay;
            try
            {
                if (await tokens.RollIfDueAsync(cancellationToken))
                {
                    LogRolled(tokens.Keys.CurrentKeyId, tokens.Keys.NextKeyId, tokens.Keys.Keys.Length);
                }
                var due = tokens.Keys.RollDueAt(tokens.Options) - time.GetUtcNow();
                wait = due < TimeSpan.Zero ? TimeSpan.Zero : due < RetryDelay ? due : RetryDelay;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogRollFailed(exception, RetryDelay);
            }
            try
            {
                await Task.Delay(wait, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Block keys rolled: key {CurrentKeyId} signs, key {NextKeyId} is next, {KeyCount} keys kept (durable)")]
    private partial void LogRolled(uint currentKeyId, uint nextKeyId, int keyCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rolling the block keys failed; the current key keeps signing, retry in {RetryDelay}")]
    private partial void LogRollFailed(Exception exception, TimeSpan retryDelay);
}
