using CkptFS.DataNode.Security;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.Tls;
using Microsoft.Extensions.Logging;

namespace CkptFS.DataNode.Transfer;

/// <summary>
/// What every connection of a <see cref="DataTransferServer"/> shares. <see cref="Certificates"/>:
/// the port serves TLS with them (null: cleartext); <see cref="Dialer"/> dials the mirrors.
/// </summary>
internal sealed record TransferContext(
    DataNodeStorageOptions Options,
    BlockStore.BlockStore Store,
    BlockKeyRing Keys,
    ILogger Logger,
    TimeProvider Time,
    CertificateReloader? Certificates,
    DataTransferDialer Dialer,
    CancellationToken Stopping)
{
    /// <summary>WRITE_BLOCKs in flight; closed when the node stops for a restart.</summary>
    public WriteGate Writes { get; } = new();
}
