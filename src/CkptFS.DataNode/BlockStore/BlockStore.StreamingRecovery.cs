using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// Streaming (pipeline) recovery of an rbw replica (HDFS FsDatasetImpl.recoverRbw): a node of the
/// client's pipeline failed; the client got a new genstamp, rebuilt the pipeline without that node and
/// goes on writing the same block here. Steps:
/// 1. Admit: an rbw replica of the block with an older genstamp, not under block recovery, with the
///    client's chunk size (else BlockNotFound, StaleGenerationStamp, RecoveryInProgress, InvalidArgument;
///    DiskFull when this node discarded it because its disk filled).
/// 2. Stop its writer (the old pipeline's receiver may still wait on a dead peer) and wait until it let go.
/// 3. It must hold at least min_bytes_received, the bytes every node acknowledged (else BlockNotFound).
/// 4. Cut it to exactly that: the client resends every packet it has no ack for, from there or from the
///    start of the partial chunk that ends there; bytes past it were never acknowledged by every node.
/// 5. Rename its meta to the new genstamp, report it RECEIVING, and hand it to a new writer.
/// </summary>
public sealed partial class BlockStore
{
    /// <summary>Continues the rbw replica of <paramref name="block"/> (new genstamp) after a pipeline failure (see the class comment).</summary>
    public async Task<ReplicaWriter> RecoverRbwAsync(ExtendedBlock block, int bytesPerChecksum, long minBytesReceived, CancellationToken cancellationToken)
    {
        var id = new BlockId(block.BlockId);
        var generationStamp = new GenerationStamp(block.GenerationStamp);
        Replica replica;
        ReplicaOwner owner;
        try
        {
            (replica, owner) = await ClaimAsync(id, $"streaming recovery to genstamp {generationStamp}",
                replica => CheckContinuable(replica, generationStamp, bytesPerChecksum), cancellationToken).ConfigureAwait(false);
        }
        catch (CkptFsException notFound) when (notFound.Code == ErrorCode.BlockNotFound)
        {
            throw ExplainMissing(id, notFound);
        }

        try
        {
            if (replica.BytesOnDisk < minBytesReceived)
            {
                throw new CkptFsException(ErrorCode.BlockNotFound,
                    $"The replica of {id} here holds {replica.BytesOnDisk} bytes, fewer than the {minBytesReceived} every node acknowledged; drop this DataNode from the pipeline.");
            }

            var previous = replica.GenerationStamp;
            Truncate(replica, minBytesReceived);
            replica.BytesAcknowledged = minBytesReceived;
            SetGenerationStamp(replica, generationStamp);
            var writer = OpenRbwFiles(replica, owner, create: false);
            LogStreamingRecovery(_logger, id, previous, generationStamp, minBytesReceived);
            Raise(replica, IncrementalBlockReportRequest.Types.Kind.Receiving);
            return writer;
        }
        catch
        {
            ReleaseOwner(replica, owner);
            throw;
        }
    }

    /// <summary>Step 1, under the lock.</summary>
    private static CkptFsException? CheckContinuable(Replica replica, GenerationStamp generationStamp, int bytesPerChecksum) =>
        replica.State == ReplicaState.Finalized
            ? new CkptFsException(ErrorCode.StaleGenerationStamp,
                $"The replica of {replica.Id} here is already finalized (genstamp {replica.GenerationStamp}, {replica.BytesOnDisk} bytes) and cannot be continued; drop this DataNode from the pipeline.")
        : replica.GenerationStamp >= generationStamp
            ? new CkptFsException(ErrorCode.StaleGenerationStamp,
                $"The replica of {replica.Id} here has genstamp {replica.GenerationStamp}, not older than the recovery's {generationStamp}; get a new genstamp from the NameNode.")
        : replica.RecoveryId != 0
            ? new CkptFsException(ErrorCode.RecoveryInProgress,
                $"{replica.Id} is under block recovery {replica.RecoveryId} here: the NameNode is closing the file, the pipeline cannot go on.")
        : replica.BytesPerChecksum != bytesPerChecksum
            ? new CkptFsException(ErrorCode.InvalidArgument,
                $"The replica of {replica.Id} here has {replica.BytesPerChecksum}-byte chunks, not {bytesPerChecksum}; resume with its chunk size.")
        : null;
}
