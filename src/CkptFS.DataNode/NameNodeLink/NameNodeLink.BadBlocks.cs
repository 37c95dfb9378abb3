using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.NameNodeLink;

public sealed partial class NameNodeLink
{
    /// <summary>Tells the NameNode that this node's replica of <paramref name="block"/> is corrupt (the scanner found it).</summary>
    public async Task ReportBadBlockAsync(ExtendedBlock block, string reason, CancellationToken cancellationToken)
    {
        var request = new ReportBadBlocksRequest { DatanodeUuid = _self.DatanodeUuid, Reason = reason };
        request.Blocks.Add(block);
        await _namenode.ReportBadBlocksAsync(request, Call(cancellationToken));
    }
}
