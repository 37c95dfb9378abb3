using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Recovery;

/// <summary>
/// What a block recovery makes of the replicas' answers to INIT (HDFS BlockRecoveryWorker.syncBlock,
/// for the two states a CkptFS replica has). A replica with no verified byte takes no part (HDFS drops
/// zero-length replicas too). Then:
/// - a replica finalized before recovery fixes the length: its length was final (finalized replicas
///   that disagree stop the recovery: something is badly wrong); every replica holding at least that
///   many verified bytes is kept (and cut to it);
/// - else the shortest verified length: the longest prefix every replica holds with checksums that
///   verify. Every byte the client saw acknowledged is on every pipeline node, so nothing acknowledged
///   is lost unless a node lost it (a crash before an fsync), and no replica keeps unverified bytes;
/// - replicas answered but none holds a byte: the block is dropped from the file (delete_block);
/// - no replica answered: no plan, no commit (the NameNode retries after its recovery timeout).
/// </summary>
internal sealed record RecoveryPlan(long NewLength, IReadOnlyList<DatanodeId> Keep, bool DeleteBlock)
{
    /// <summary>The plan for <paramref name="answers"/>, or null with the <paramref name="reason"/> when there is none.</summary>
    public static RecoveryPlan? Choose(IReadOnlyList<(DatanodeId Node, ReplicaRecoveryInfo Info)> answers, out string reason)
    {
        if (answers.Count == 0)
        {
            reason = "no replica answered INIT_REPLICA_RECOVERY";
            return null;
        }

        var holding = answers.Where(answer => answer.Info.VerifiedLength > 0).ToList();
        if (holding.Count == 0)
        {
            reason = $"none of the {answers.Count} replicas that answered holds a verified byte";
            return new RecoveryPlan(0, [], DeleteBlock: true);
        }

        var finalized = holding.Where(answer => answer.Info.Finalized).Select(answer => answer.Info.VerifiedLength).Distinct().ToList();
        if (finalized.Count > 1)
        {
            reason = $"finalized replicas disagree on the block's length ({string.Join(", ", finalized)} bytes)";
            return null;
        }

        var length = finalized.Count == 1 ? finalized[0] : holding.Min(answer => answer.Info.VerifiedLength);
        reason = finalized.Count == 1 ? "a replica was finalized with that length" : $"the shortest verified length of {holding.Count} rbw replicas";
        return new RecoveryPlan((long)length, [.. holding.Where(answer => answer.Info.VerifiedLength >= length).Select(answer => answer.Node)], DeleteBlock: false);
    }
}
