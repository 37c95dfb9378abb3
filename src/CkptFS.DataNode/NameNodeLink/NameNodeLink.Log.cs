using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.NameNodeLink;

public sealed partial class NameNodeLink
{
    [LoggerMessage(Level = LogLevel.Information, Message = "NameNode link to {Address} starting for DataNode {Uuid}")]
    private partial void LogStarted(string address, string uuid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered with the NameNode at {Address}; {KeyCount} block keys")]
    private partial void LogRegistered(string address, int keyCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Registration failed (attempt {Attempt}): {Reason}; retrying in {Backoff}")]
    private partial void LogRegistrationTlsMismatch(string reason, int attempt, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registration with the NameNode at {Address} failed (attempt {Attempt}); retrying in {Backoff}")]
    private partial void LogRegistrationFailed(Exception exception, string address, int attempt, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Information, Message = "Full block report sent: {Replicas} replicas")]
    private partial void LogFullReport(int replicas);

    [LoggerMessage(Level = LogLevel.Error, Message = "The link to the NameNode at {Address} failed unexpectedly; registering again in {Backoff}")]
    private partial void LogLinkFailed(Exception exception, string address, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The NameNode at {Address} does not know this DataNode: registering again")]
    private partial void LogToldToRegister(string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat to the NameNode at {Address} failed")]
    private partial void LogHeartbeatFailed(Exception exception, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delete command: {Requested} blocks, {Deleted} replicas deleted")]
    private partial void LogDeleted(int requested, int deleted);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deleting the replica of blk_{BlockId} failed")]
    private partial void LogDeleteFailed(Exception exception, ulong blockId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "NameNode command {Command} ignored: not supported yet")]
    private partial void LogCommandIgnored(string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incremental block report of {Changes} changes failed; retrying in {Backoff}")]
    private partial void LogIncrementalFailed(Exception exception, int changes, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connect stream to the NameNode at {Address} is open")]
    private partial void LogConnected(string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connect stream to the NameNode at {Address} ended; reopening in {Backoff}")]
    private partial void LogConnectStreamBroken(Exception? exception, string address, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "CommitBlockSynchronization of blk_{BlockId} (recovery {RecoveryId}) failed (attempt {Attempt}); retrying in {Backoff}")]
    private partial void LogCommitRetry(Exception exception, ulong blockId, ulong recoveryId, int attempt, TimeSpan backoff);
}
