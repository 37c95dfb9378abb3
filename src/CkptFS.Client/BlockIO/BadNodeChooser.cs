using CkptFS.Protocol.V1;

namespace CkptFS.Client.BlockIO;

/// <summary>
/// Which node of a write pipeline to blame for a failure (HDFS DataStreamer's errorIndex): the one
/// pipeline recovery drops. An ack holds one status per node, the receiver first, each node adding
/// its own before its mirror's, so the first non-SUCCESS slot is the node that failed: a node whose
/// mirror broke reports SUCCESS for itself and ERROR in the mirror's slot. A setup response names
/// the failed downstream node in first_bad_link; without one the first node itself refused.
/// </summary>
internal static class BadNodeChooser
{
    /// <summary>
    /// The index of the failed node for an ack over a pipeline of <paramref name="pipelineLength"/>
    /// nodes, or -1 when every node succeeded. An ack shorter than the pipeline blames the first
    /// node with no slot: the node before it could not say anything about it.
    /// </summary>
    public static int FromAck(IReadOnlyList<TransferStatus> replies, int pipelineLength)
    {
        for (var i = 0; i < replies.Count && i < pipelineLength; i++)
        {
            if (replies[i] != TransferStatus.Success)
            {
                return i;
            }
        }

        return replies.Count < pipelineLength ? replies.Count : -1;
    }

    /// <summary>The index of the node a failed setup response blames: the one named by first_bad_link, else the first.</summary>
    public static int FromSetup(string firstBadLink, IReadOnlyList<DatanodeId> pipeline)
    {
        if (firstBadLink.Length > 0)
        {
            for (var i = 0; i < pipeline.Count; i++)
            {
                if (DataNodeConnection.AddressOf(pipeline[i]) == firstBadLink)
                {
                    return i;
                }
            }
        }

        return 0;
    }
}
