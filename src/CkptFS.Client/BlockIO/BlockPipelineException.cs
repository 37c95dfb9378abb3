using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.BlockIO;

/// <summary>
/// A write pipeline failed: <see cref="BadNodeIndex"/> is the position in the pipeline (0 = the first
/// DataNode) of the node to drop or replace before the write goes on (pipeline recovery).
/// </summary>
public sealed class BlockPipelineException : CkptFsException
{
    public BlockPipelineException(ErrorCode code, int badNodeIndex, DatanodeId? badNode, string firstBadLink, TransferStatus status, string message, Exception? innerException = null)
        : base(code, message, innerException)
    {
        BadNodeIndex = badNodeIndex;
        BadNode = badNode;
        FirstBadLink = firstBadLink;
        Status = status;
    }

    /// <summary>Index of the failed node in the pipeline (the located block's locations).</summary>
    public int BadNodeIndex { get; }

    public DatanodeId? BadNode { get; }

    /// <summary>"host:port" of a downstream node that failed to connect during setup, else empty.</summary>
    public string FirstBadLink { get; }

    /// <summary>The status the pipeline reported (ERROR when the connection itself failed).</summary>
    public TransferStatus Status { get; }
}
