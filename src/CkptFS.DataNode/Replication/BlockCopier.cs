using System.Buffers;
using CkptFS.Client.BlockIO;
using CkptFS.Common;
using CkptFS.Common.Checksums;
using CkptFS.DataNode.BlockStore;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Replication;

/// <summary>
/// Streams this node's replica of a block, or its first bytes, to targets[0], which forwards it to
/// targets[1..], with the client's BlockWriter. Two users: re-replication (HDFS DataNode.DataTransfer,
/// <see cref="CopyAsync"/>: a finalized replica, stage TRANSFER_FINALIZED, an empty client name and the
/// NameNode's COPY token), and TRANSFER_BLOCK (Transfer/TransferBlockHandler: the acknowledged prefix of
/// an rbw replica, stage TRANSFER_RBW, for a pipeline's replacement node). Every whole chunk is checked
/// against its stored checksum before it is sent: a corrupt source must fail the copy, not plant its
/// bad bytes on the target with fresh checksums (the writer computes new ones per packet; the target
/// verifies those). A last partial chunk cut out of a longer one (an rbw replica, or a prefix) has no
/// stored checksum of its own: it is sent unverified, as READ_BLOCK sends an rbw replica's last chunk.
/// </summary>
internal static class BlockCopier
{
    /// <summary>Copies the finalized replica; returns the bytes sent. Throws ChecksumMismatch for a corrupt source.</summary>
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
        var located = new LocatedBlock { Block = transfer.Block, Token = transfer.Token };
        located.Locations.AddRange(transfer.Targets);
        await SendAsync(replica, located, clientName: string.Empty, PipelineStage.TransferFinalized, replica.Length, writerOptions, cancellationToken).ConfigureAwait(false);
        return replica.Length;
    }

    /// <summary>
    /// Streams the first <paramref name="length"/> bytes of <paramref name="replica"/> (at most its
    /// Length) to <paramref name="located"/>'s locations as a WRITE_BLOCK of <paramref name="stage"/>;
    /// returns once every target acknowledged the last packet. A target's failure is the writer's
    /// <see cref="BlockPipelineException"/> (it names the node); a corrupt source, ChecksumMismatch.
    /// </summary>
    public static async Task SendAsync(ReplicaInput replica, LocatedBlock located, string clientName, PipelineStage stage, long length, BlockWriterOptions writerOptions,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, replica.Length);
        var options = new BlockWriterOptions
        {
            BytesPerChecksum = replica.BytesPerChecksum,
            PacketSizeBytes = Math.Max(1, writerOptions.PacketSizeBytes / replica.BytesPerChecksum) * replica.BytesPerChecksum,
            WindowPackets = writerOptions.WindowPackets,
            ConnectTimeout = writerOptions.ConnectTimeout,
            ReadTimeout = writerOptions.ReadTimeout,
            TlsCaFile = writerOptions.TlsCaFile,
        };
        // Bytes whose chunks have a stored checksum of their own: a partial last chunk has one only when it is the finalized replica's end.
        var verifiedEnd = replica.IsFinalized && length == replica.Length ? length : length / replica.BytesPerChecksum * replica.BytesPerChecksum;
        var data = ArrayPool<byte>.Shared.Rent(options.PacketSizeBytes);
        var checksums = ArrayPool<byte>.Shared.Rent(ChunkChecksums.ChecksumBytes(options.PacketSizeBytes, options.BytesPerChecksum));
        try
        {
            await using var writer = await BlockWriter.OpenAsync(located, clientName, stage, options, cancellationToken).ConfigureAwait(false);
            for (long offset = 0; offset < length; offset += options.PacketSizeBytes)
            {
                var packetLength = (int)Math.Min(options.PacketSizeBytes, length - offset);
                var verifiedLength = (int)Math.Clamp(verifiedEnd - offset, 0, packetLength);
                ReadVerified(replica, offset, data.AsSpan(0, verifiedLength), checksums);
                replica.ReadData(offset + verifiedLength, data.AsSpan(verifiedLength, packetLength - verifiedLength));
                await writer.WriteAsync(data.AsMemory(0, packetLength), cancellationToken).ConfigureAwait(false);
            }
            await writer.CloseAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
            ArrayPool<byte>.Shared.Return(checksums);
        }
    }

    /// <summary><paramref name="offset"/> is chunk-aligned (packets hold whole chunks), so its chunks' checksums are contiguous.</summary>
    private static void ReadVerified(ReplicaInput replica, long offset, Span<byte> data, byte[] checksumBuffer)
    {
        var bad = replica.ReadVerified(offset, data, checksumBuffer);
        if (bad >= 0)
        {
            throw new CkptFsException(ErrorCode.ChecksumMismatch,
                $"The replica of {replica.BlockId} here is corrupt: chunk {bad} does not match its checksum; not copied.");
        }
    }
}
