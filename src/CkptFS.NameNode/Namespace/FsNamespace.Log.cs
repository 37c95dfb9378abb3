using CkptFS.Common;
using Microsoft.Extensions.Logging;

namespace CkptFS.NameNode.Namespace;

public sealed partial class FsNamespace
{
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Lease recovery of {Path} (held by {Holder}; {Reason}): last block {Block}, recovery id {RecoveryId}, primary {Primary} of {Replicas} replicas")]
    private partial void LogLeaseRecoveryStarted(FsPath path, string holder, FileBlock block, GenerationStamp recoveryId, string primary, int replicas, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease recovery of {Path} committed: last block {Block} (dropped: {Dropped}) on {Replicas} replicas; file closed")]
    private partial void LogLeaseRecovered(FsPath path, FileBlock block, bool dropped, int replicas);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline of {Path} rebuilt by {Holder}: {OldBlock} -> {NewBlock} on [{Nodes}]")]
    private partial void LogPipelineUpdated(FsPath path, string holder, FileBlock oldBlock, FileBlock newBlock, string nodes);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Operation} of {Path} retried by {Holder} after it was applied (its answer was lost, e.g. in a restart): answered again with {Block}")]
    private partial void LogRetryAnswered(string operation, FsPath path, string holder, string block);

    private void LogAddBlockRetried(FsPath path, string holder, FileBlock block) => LogRetryAnswered("AddBlock", path, holder, block.ToString());
}
