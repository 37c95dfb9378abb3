using CkptFS.Common;

namespace CkptFS.Client.BlockIO;

/// <summary>A chunk read from a DataNode does not match its CRC32C: that replica is corrupt at <see cref="Offset"/>.</summary>
public sealed class ChecksumMismatchException(ulong blockId, string dataNode, long offset)
    : CkptFsException(ErrorCode.ChecksumMismatch, $"Checksum mismatch in {new BlockId(blockId)} read from DataNode {dataNode} at block offset {offset}.")
{
    public ulong BlockId { get; } = blockId;

    /// <summary>"host:port" of the DataNode that served the bad chunk.</summary>
    public string DataNode { get; } = dataNode;

    /// <summary>Block offset of the first byte of the bad chunk.</summary>
    public long Offset { get; } = offset;
}
