using CkptFS.Protocol.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.NameNodeLink;

/// <summary>
/// The link's part in a stop for a restart (SIGTERM; see DataNodeServer.StopForRestartAsync): tell
/// the NameNode first, so that it stops choosing this node and does not re-replicate its blocks,
/// and flush the last incremental report, so that the replicas finalized while draining count.
/// Both calls are bounded: a NameNode that cannot be reached does not hold the stop up.
/// </summary>
public sealed partial class NameNodeLink
{
    /// <summary>Asks the NameNode to keep this node in maintenance; false (logged) when it could not.</summary>
    public async Task<bool> EnterMaintenanceAsync(string reason, TimeSpan timeout)
    {
        if (!_registered)
        {
            // The NameNode does not know this node now (it is down, or this node never got through): nothing to tell.
            LogEnterMaintenanceSkipped(_options.NameNodeAddress);
            return false;
        }
        try
        {
            var reply = await _namenode.EnterMaintenanceAsync(new EnterMaintenanceRequest { DatanodeUuid = _self.DatanodeUuid, Reason = reason },
                new CallOptions(deadline: DateTime.UtcNow + timeout));
            LogEnteredMaintenance(_options.NameNodeAddress, TimeSpan.FromMilliseconds(reply.MaintenanceMs));
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogEnterMaintenanceFailed(exception, _options.NameNodeAddress);
            return false;
        }
    }

    /// <summary>Sends the replica changes still pending, waiting for a report in flight first; false (logged) when some could not be sent.</summary>
    public async Task<bool> FlushIncrementalReportsAsync(TimeSpan timeout)
    {
        if (!_registered)
        {
            LogFlushSkipped(_incremental.Count);
            return false;
        }
        using var budget = new CancellationTokenSource(timeout);
        try
        {
            await SendIncrementalReportAsync(new CallOptions(deadline: DateTime.UtcNow + timeout, cancellationToken: budget.Token), budget.Token);
            LogFlushed();
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogFlushFailed(exception, _incremental.Count);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The NameNode at {Address} keeps this DataNode in maintenance for up to {Duration}")]
    private partial void LogEnteredMaintenance(string address, TimeSpan duration);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the NameNode at {Address} this DataNode is stopping (it will see the node go); stopping anyway")]
    private partial void LogEnterMaintenanceFailed(Exception exception, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not registered with the NameNode at {Address}: stopping without entering maintenance")]
    private partial void LogEnterMaintenanceSkipped(string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Last incremental block report sent")]
    private partial void LogFlushed();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not registered: {Changes} replica changes not reported before the stop (the full report after the restart lists them)")]
    private partial void LogFlushSkipped(int changes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The last incremental block report failed: {Changes} replica changes not reported before the stop (the full report after the restart lists them)")]
    private partial void LogFlushFailed(Exception exception, int changes);
}
