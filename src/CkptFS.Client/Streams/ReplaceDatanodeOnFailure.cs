namespace CkptFS.Client.Streams;

/// <summary>
/// Whether pipeline recovery should add DataNodes in place of the ones it dropped (HDFS
/// ReplaceDatanodeOnFailure, policy DEFAULT). With r the file's replication and n the surviving
/// nodes, replace only when r >= 3 and either
///   1. n &lt;= r / 2 (floor): too few copies to risk the rest of the block on; or
///   2. n &lt; r and the block was hflushed: readers already rely on the bytes written so far.
/// So with r = 3, losing one node of three needs no replacement unless the block was flushed, and
/// losing two always does; r &lt;= 2 never asks (a small file's writer prefers going on to waiting).
/// A replacement from GetAdditionalDatanode holds none of the block's bytes: it joins once a survivor
/// copied it the acknowledged ones (TRANSFER_BLOCK, see <see cref="PipelineRecovery"/>).
/// </summary>
internal static class ReplaceDatanodeOnFailure
{
    /// <summary>How many DataNodes to add to a pipeline of <paramref name="survivors"/> nodes: 0, or enough to reach <paramref name="replication"/>.</summary>
    public static int ReplacementsWanted(int replication, int survivors, bool flushed)
    {
        if (replication < 3 || survivors >= replication)
        {
            return 0;
        }

        return survivors <= replication / 2 || flushed ? replication - survivors : 0;
    }
}
