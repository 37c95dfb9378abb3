using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.Protocol.V1;

namespace CkptFS.Client.Streams;

/// <summary>
/// Reads one range of one block, trying its replicas nearest first: a DataNode that cannot be reached
/// is skipped for the rest of the stream; a replica whose bytes fail their checksum is reported to the
/// NameNode (so it can be re-replicated from a good copy) and skipped. Fails with
/// <see cref="ErrorCode.BlockMissing"/> only when no replica can serve the range.
/// </summary>
internal sealed class ReplicaFailover(CkptFsClient client, string path)
{
    private readonly HashSet<string> _deadNodes = [];

    /// <summary>Opens a reader on the first replica that answers, or throws with every replica's error.</summary>
    public async Task<(BlockReader Reader, DatanodeId Node)> OpenAsync(LocatedBlock block, long offsetInBlock, long length, CancellationToken cancellationToken)
    {
        List<string>? errors = null;
        for (var replica = 0; replica < block.Locations.Count; replica++)
        {
            var node = block.Locations[replica];
            if (_deadNodes.Contains(node.DatanodeUuid))
            {
                continue;
            }
            try
            {
                return (await BlockReader.OpenAsync(block, replica, offsetInBlock, length, client.ClientName, client.Options.BlockReader, cancellationToken), node);
            }
            // An expired or unknown token (NameNode restarted: new block keys) fails every replica alike;
            // the stream then asks the NameNode for fresh locations and tokens once.
            catch (CkptFsException e) when (e.Code is ErrorCode.Unavailable or ErrorCode.BlockNotFound or ErrorCode.InvalidArgument or ErrorCode.StorageFailure or ErrorCode.InvalidAccessToken)
            {
                _deadNodes.Add(node.DatanodeUuid);
                (errors ??= []).Add($"{node.Host}:{node.TransferPort}: {e.Message}");
            }
        }
        throw Missing(block, errors);
    }

    /// <summary>Skips <paramref name="node"/> for the rest of this stream (it could not be reached).</summary>
    public void MarkDead(DatanodeId? node)
    {
        if (node is not null)
        {
            _deadNodes.Add(node.DatanodeUuid);
        }
    }

    /// <summary>Called when a replica sent bytes that fail their checksum: report it and never use it again here.</summary>
    public async Task ReportCorruptAsync(LocatedBlock block, DatanodeId node, CancellationToken cancellationToken)
    {
        _deadNodes.Add(node.DatanodeUuid);
        await client.ReportBadReplicaAsync(block.Block, node.DatanodeUuid, $"checksum mismatch read by {client.ClientName}", cancellationToken);
    }

    /// <summary>Reads exactly [offset, offset + destination.Length) of the block into destination, failing over between replicas.</summary>
    public async Task ReadExactlyAsync(LocatedBlock block, long offsetInBlock, Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (reader, node) = await OpenAsync(block, offsetInBlock, destination.Length, cancellationToken);
            await using (reader)
            {
                try
                {
                    var filled = 0;
                    while (filled < destination.Length)
                    {
                        var read = await reader.ReadAsync(destination[filled..], cancellationToken);
                        if (read == 0)
                        {
                            throw new CkptFsException(ErrorCode.BlockMissing,
                                $"{node.Host}:{node.TransferPort} ended blk_{block.Block.BlockId} at {offsetInBlock + filled} of {offsetInBlock + destination.Length}.");
                        }
                        filled += read;
                    }
                    return;
                }
                catch (ChecksumMismatchException)
                {
                    await ReportCorruptAsync(block, node, cancellationToken);
                }
                catch (CkptFsException e) when (e.Code is ErrorCode.Unavailable or ErrorCode.BlockMissing)
                {
                    _deadNodes.Add(node.DatanodeUuid);
                }
            }
        }
    }

    private CkptFsException Missing(LocatedBlock block, List<string>? errors) => new(ErrorCode.BlockMissing,
        $"Cannot read {path}: no replica of blk_{block.Block.BlockId} (offset {block.Offset}) could be read" +
        (block.Locations.Count == 0 ? " (no DataNode holds it; check 'ckptfs fsck')." : $" ({string.Join("; ", errors ?? ["all replicas failed"])})."));
}
