using CkptFS.DataNode.Security;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.Transfer;

/// <summary>What every connection of a <see cref="DataTransferServer"/> shares.</summary>
internal sealed record TransferContext(
    DataNodeStorageOptions Options,
    BlockStore.BlockStore Store,
    BlockKeyRing Keys,
    ILogger Logger,
    TimeProvider Time,
    CancellationToken Stopping)
{
    /// <summary>WRITE_BLOCKs in flight; closed when the node stops for a restart.</summary>
    public WriteGate Writes { get; } = new();
}
