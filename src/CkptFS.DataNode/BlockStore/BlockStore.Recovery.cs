using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.BlockStore;

/// <summary>
/// Block recovery on one replica (HDFS FsDatasetImpl.initReplicaRecovery and
/// updateReplicaUnderRecovery), driven by the recovery's primary DataNode over the data port:
/// - INIT: the replica must match the block (none: BlockNotFound; an older genstamp: StaleGenerationStamp,
///   it missed a pipeline update; under a recovery whose id is not older: RecoveryInProgress). It is
///   marked under this recovery (no writer may take or finalize it from then on), its writer is stopped,
///   and it says what it holds: for rbw the longest prefix whose checksums verify (the restart check,
///   read only), for finalized its length.
/// - UPDATE: under exactly that recovery id, the replica is cut to the length the primary chose (a
///   partial last chunk's checksum computed again), takes the recovery id as genstamp, is fsynced and
///   finalized (RECEIVED). A finalized replica of that very length only takes the new genstamp.
/// The mark lives in memory: after a restart the replica is plain rbw again and the NameNode retries
/// the recovery with a new id.
/// </summary>
public sealed partial class BlockStore
{
    /// <summary>INIT_REPLICA_RECOVERY (see the class comment): what this replica holds for recovery <paramref name="recoveryId"/>.</summary>
    public async Task<ReplicaRecoveryInfo> InitReplicaRecoveryAsync(ExtendedBlock block, ulong recoveryId, CancellationToken cancellationToken)
    {
        var id = new BlockId(block.BlockId);
        var (replica, owner) = await ClaimAsync(id, $"block recovery {recoveryId}", replica => MarkUnderRecovery(replica, block, recoveryId), cancellationToken)
            .ConfigureAwait(false);
        try
        {
            var finalized = replica.State == ReplicaState.Finalized;
            var info = new ReplicaRecoveryInfo
            {
                GenerationStamp = replica.GenerationStamp.Value,
                BytesOnDisk = (ulong)replica.BytesOnDisk,
                Finalized = finalized,
                VerifiedLength = (ulong)(finalized ? replica.BytesOnDisk : VerifiedLength(replica)),
            };
            LogUnderRecovery(_logger, id, recoveryId, replica.State, replica.GenerationStamp, (long)info.VerifiedLength, replica.BytesOnDisk);
            return info;
        }
        finally
        {
            ReleaseOwner(replica, owner);
        }
    }

    /// <summary>
    /// UPDATE_REPLICA_UNDER_RECOVERY (see the class comment): the replica ends finalized with
    /// <paramref name="newLength"/> bytes and genstamp <paramref name="recoveryId"/>; returns it.
    /// </summary>
    public async Task<ExtendedBlock> UpdateReplicaUnderRecoveryAsync(ExtendedBlock block, ulong recoveryId, long newLength, CancellationToken cancellationToken)
    {
        var id = new BlockId(block.BlockId);
        var (replica, owner) = await ClaimAsync(id, $"block recovery {recoveryId}", replica => CheckUnderRecovery(replica, recoveryId), cancellationToken)
            .ConfigureAwait(false);
        try
        {
            var generationStamp = new GenerationStamp(recoveryId);
            if (replica.State == ReplicaState.Finalized)
            {
                if (replica.BytesOnDisk != newLength)
                {
                    throw new CkptFsException(ErrorCode.InvalidArgument,
                        $"The replica of {id} here is finalized with {replica.BytesOnDisk} bytes; recovery {recoveryId} cannot make it {newLength}.");
                }

                SetGenerationStamp(replica, generationStamp);
                LogRecovered(_logger, id, recoveryId, newLength);
                Raise(replica, IncrementalBlockReportRequest.Types.Kind.Received);
                return new ExtendedBlock { BlockId = id.Value, GenerationStamp = recoveryId, NumBytes = (ulong)newLength };
            }

            var verified = VerifiedLength(replica);
            if (verified < newLength)
            {
                throw new CkptFsException(ErrorCode.InvalidArgument,
                    $"The replica of {id} here holds {verified} verified bytes, fewer than the {newLength} recovery {recoveryId} chose; leave it out of the recovery.");
            }

            Truncate(replica, newLength);
            SetGenerationStamp(replica, generationStamp);
            LogRecovered(_logger, id, recoveryId, newLength);
            return FinalizeReplica(replica, owner, recoveryId);
        }
        finally
        {
            ReleaseOwner(replica, owner);
        }
    }

    /// <summary>INIT's admission, under the lock: refuses (see the class comment) or marks the replica under <paramref name="recoveryId"/>.</summary>
    private static CkptFsException? MarkUnderRecovery(Replica replica, ExtendedBlock block, ulong recoveryId)
    {
        var refusal = replica.GenerationStamp.Value < block.GenerationStamp
            ? new CkptFsException(ErrorCode.StaleGenerationStamp,
                $"The replica of {replica.Id} here has genstamp {replica.GenerationStamp}, older than the block's {block.GenerationStamp}: it missed a pipeline update and takes no part in recovery {recoveryId}.")
            : replica.RecoveryId >= recoveryId
            ? new CkptFsException(ErrorCode.RecoveryInProgress,
                $"{replica.Id} is already under block recovery {replica.RecoveryId} here, which is not older than {recoveryId}; the newest recovery wins.")
            : replica.GenerationStamp.Value >= recoveryId
            ? new CkptFsException(ErrorCode.InvalidArgument,
                $"Recovery id {recoveryId} is not newer than the genstamp {replica.GenerationStamp} of the replica of {replica.Id} here: a recovery id must be a new genstamp.")
            : null;
        if (refusal is null)
        {
            replica.RecoveryId = recoveryId;
        }

        return refusal;
    }

    /// <summary>UPDATE's admission, under the lock: the replica must be under exactly <paramref name="recoveryId"/>.</summary>
    private static CkptFsException? CheckUnderRecovery(Replica replica, ulong recoveryId) =>
        replica.RecoveryId == recoveryId ? null
        : replica.RecoveryId > recoveryId
        ? new CkptFsException(ErrorCode.RecoveryInProgress, $"{replica.Id} was taken over by the newer block recovery {replica.RecoveryId} here; recovery {recoveryId} is void.")
        : new CkptFsException(ErrorCode.InvalidArgument,
            $"{replica.Id} is not under block recovery {recoveryId} here ({(replica.RecoveryId == 0 ? "under none: the DataNode may have restarted" : $"under {replica.RecoveryId}")}); start with INIT_REPLICA_RECOVERY.");
}
