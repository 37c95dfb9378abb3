using CkptFS.Common;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.Namespace;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Leases;

/// <summary>
/// The NameNode's own lease recovery (HDFS LeaseManager.Monitor), one <see cref="CheckAsync"/>
/// every <see cref="LeaseOptions.CheckInterval"/>:
///   1. every file of a holder past its hard limit is recovered (its writer is gone: no client has
///      to ask);
///   2. every file under recovery whose block recovery did not commit within
///      <see cref="LeaseOptions.RecoveryTimeout"/>, or was never started by this NameNode (it was
///      under recovery when the NameNode restarted), is recovered again with a new recovery id.
/// Nothing happens in safe mode: the replica locations recovery needs come from block reports.
/// </summary>
public sealed partial class LeaseMonitor(FsNamespace fs, LeaseManager leases, BlockRecoveries recoveries, BlockManager blocks, ILogger<LeaseMonitor> logger)
{
    /// <summary>One pass; returns how many recoveries it started or found closed.</summary>
    public async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        if (blocks.InSafeMode)
        {
            return 0;
        }
        var acted = 0;
        foreach (var open in leases.ListHardLimitExpired())
        {
            acted += await RecoverAsync(open, $"hard limit ({leases.Options.HardLimit}) of {open.Holder} expired", cancellationToken);
        }
        foreach (var open in leases.ListUnderRecovery().Where(f => !recoveries.IsInProgress(f.File)))
        {
            var reason = recoveries.Find(open.File) is { } stuck
                ? $"recovery id {stuck.RecoveryId} via {stuck.Primary} not committed within {leases.Options.RecoveryTimeout}"
                : "under recovery when the NameNode started";
            acted += await RecoverAsync(open, reason, cancellationToken);
        }
        return acted;
    }

    /// <summary>Runs <see cref="CheckAsync"/> every check interval until <paramref name="stopping"/> fires; a failed pass is logged.</summary>
    public async Task RunAsync(TimeProvider time, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(leases.Options.CheckInterval, time, stopping);
                await CheckAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogCheckFailed(exception);
            }
        }
    }

    private async Task<int> RecoverAsync(OpenFile open, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await fs.StartLeaseRecoveryAsync(open, reason, cancellationToken);
            return 1;
        }
        catch (CkptFsException exception) when (exception.Code is ErrorCode.RecoveryInProgress or ErrorCode.SafeMode)
        {
            LogRecoveryWaits(open.Path, exception.Message);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lease recovery of {Path} waits: {Why}")]
    private partial void LogRecoveryWaits(FsPath path, string why);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lease check failed; the next one runs after the check interval")]
    private partial void LogCheckFailed(Exception exception);
}
