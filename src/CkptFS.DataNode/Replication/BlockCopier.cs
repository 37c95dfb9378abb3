using System.Buffers;
using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.Common.Checksums;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Replication;

/// <summary>
/// One re-replication copy (HDFS DataNode.DataTransfer): this node's finalized replica of a block is
/// streamed to targets[0], which forwards it to targets[1..], with WRITE_BLOCK stage
/// TRANSFER_FINALIZED, an empty client name and the NameNode's COPY token. Every chunk is checked
/// against its stored checksum before it is sent: a corrupt source must fail the copy, not plant its
/// bad bytes on the target with fresh checksums (the writer computes new ones per packet; the target
/// verifies those). Each target's RECEIVED report tells the NameNode the copy is done.
/// </summary>
internal static class BlockCopier
{
    /// <summary>Copies the replica; returns the bytes sent. Throws ChecksumMismatch for a corrupt source.</summary>
    public static async Task<long> CopyAsync(BlockStore.BlockStore store, ReplicateBlocksCommand.Types.Transfer transfer, BlockWriterOptions writerOptions,
        CancellationToken cancellationToken)
    {
        if (transfer.Block is null || transfer.Targets.Count == 0)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, "A transfer command names no block or no target.");
        }
        using var replica = store.OpenForRead(transfer.Block);
        var id = new BlockId(transfer.Block.BlockId);
        if (!replica.IsFinalized)
        {
            throw new CkptFsException(ErrorCode.InvalidArgument, $"The replica of {id} here is still being written: only finalized replicas are copied.");
        }
        var options = new BlockWriterOptions
        {
            BytesPerChecksum = replica.BytesPerChecksum,
            PacketSizeBytes = writerOptions.PacketSizeBytes / replica.BytesPerChecksum * replica.BytesPerChecksum,
            WindowPackets = writerOptions.WindowPackets,
            ConnectTimeout = writerOptions.ConnectTimeout,
            ReadTimeout = writerOptions.ReadTimeout,
        };
        var located = new LocatedBlock { Block = transfer.Block, Token = transfer.Token };
        located.Locations.AddRange(transfer.Targets);
        var data = ArrayPool<byte>.Shared.Rent(options.PacketSizeBytes);
        var checksums = ArrayPool<byte>.Shared.Rent(ChunkChecksums.ChecksumBytes(options.PacketSizeBytes, options.BytesPerChecksum));
        try
        {
            await using var writer = await BlockWriter.OpenAsync(located, clientName: string.Empty, PipelineStage.TransferFinalized, options, cancellationToken)
                .ConfigureAwait(false);
            for (long offset = 0; offset < replica.Length; offset += options.PacketSizeBytes)
            {
                var length = (int)Math.Min(options.PacketSizeBytes, replica.Length - offset);
                ReadVerified(replica, offset, data.AsSpan(0, length), checksums);
                await writer.WriteAsync(data.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            }
            await writer.CloseAsync(cancellationToken).ConfigureAwait(false);
            return replica.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
            ArrayPool<byte>.Shared.Return(checksums);
        }
    }

    /// <summary><paramref name="offset"/> is chunk-aligned (packets hold whole chunks), so its chunks' checksums are contiguous.</summary>
    private static void ReadVerified(BlockStore.ReplicaInput replica, long offset, Span<byte> data, byte[] checksumBuffer)
    {
        var bad = replica.ReadVerified(offset, data, checksumBuffer);
        if (bad >= 0)
        {
            throw new CkptFsException(ErrorCode.ChecksumMismatch,
                $"The replica of {replica.BlockId} here is corrupt: chunk {bad} does not match its checksum; not copied.");
        }
    }
}
