using System.Buffers.Binary;
using CkptFS.Common;
using CkptFS.Common.Checksums;
using CkptFS.DataNode.BlockStore;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Transfer;

/// <summary>
/// READ_BLOCK on the DataNode (HDFS's BlockSender). Steps:
/// 1. Check the token (READ) and open the replica (finalized, or rbw up to the bytes acknowledged).
/// 2. Check [offset, offset + length) against the visible length; reply SUCCESS with the chunk size,
///    chunk_offset (offset aligned down to a chunk) and the replica's visible length.
/// 3. Send packets of whole chunks, up to ReadPacketSizeBytes of data each, from chunk_offset to the end of
///    the chunk holding the last byte asked for, with the STORED checksums: the DataNode does not
///    verify, the client does (end to end). A finalized replica on a TCP socket goes out zero-copy
///    (BlockSender.ZeroCopy.cs: header and checksums by send, data by sendfile). Otherwise the data is
///    copied through a buffer: for an rbw replica a last partial chunk may have grown on disk past the
///    visible length, so its checksum is computed over the bytes sent.
/// 4. Send the empty last packet; read the client's ClientReadStatus and log an ERROR_CHECKSUM report.
/// </summary>
internal sealed partial class BlockSender(TransferContext context, string peer, Stream input, Stream output, ReadDeadline deadline, OpReadBlockHeader header)
{
    /// <summary>
    /// Disk reads are this large and cut into packets afterwards: on the test VM a cold sequential read
    /// ran at 409 MB/s in 64 KiB reads and 800-1400 MB/s in 1 MiB reads. The next span is read
    /// while the current one is sent. Costs one memcpy per packet.
    /// </summary>
    private const int ReadSpanBytes = 1024 * 1024;

    private readonly BlockId _block = new(header.Block?.BlockId ?? 0);

    public async Task RunAsync()
    {
        ReplicaInput replica;
        try
        {
            ArgumentNullException.ThrowIfNull(header.Block);
            context.Keys.Verify(header.Token, _block, AccessMode.Read);
            replica = context.Store.OpenForRead(header.Block);
        }
        catch (Exception exception) when (exception is CkptFsException or ArgumentNullException)
        {
            var refusal = exception as CkptFsException ?? new CkptFsException(ErrorCode.InvalidArgument, "The read header names no block.");
            await RefuseAsync(refusal).ConfigureAwait(false);
            return;
        }

        using (replica)
        {
            if (header.Offset > (ulong)replica.Length || header.Length > (ulong)replica.Length - header.Offset)
            {
                await RefuseAsync(new CkptFsException(ErrorCode.InvalidArgument,
                    $"[{header.Offset}, {header.Offset + header.Length}) is outside the {replica.Length} readable bytes of {_block}.")).ConfigureAwait(false);
                return;
            }

            var bytesPerChecksum = replica.BytesPerChecksum;
            var start = (long)header.Offset / bytesPerChecksum * bytesPerChecksum;
            var end = Math.Min(replica.Length, ((long)(header.Offset + header.Length) + bytesPerChecksum - 1) / bytesPerChecksum * bytesPerChecksum);
            var response = new BlockOpResponse
            {
                Status = TransferStatus.Success,
                BytesPerChecksum = (uint)bytesPerChecksum,
                ChunkOffset = (ulong)start,
                ReplicaLength = (ulong)replica.Length,
            };
            await DataTransferCodec.WriteMessageAsync(output, response, deadline.Arm()).ConfigureAwait(false);
            var zeroCopy = replica.IsFinalized && context.Options.ZeroCopyReads ? SocketFileSender.TryCreate(output, context.Options.SocketTimeout) : null;
            if (zeroCopy is not null)
            {
                SendPacketsZeroCopy(zeroCopy, replica, start, end);
            }
            else
            {
                await SendPacketsAsync(replica, start, end).ConfigureAwait(false);
            }

            await ReadStatusAsync(start, end).ConfigureAwait(false);
        }
    }

    /// <summary>Data bytes per packet: ReadPacketSizeBytes in whole chunks.</summary>
    private int PacketDataBytes(int bytesPerChecksum) => Math.Max(bytesPerChecksum, context.Options.ReadPacketSizeBytes / bytesPerChecksum * bytesPerChecksum);

    private async Task SendPacketsAsync(ReplicaInput replica, long start, long end)
    {
        var bytesPerChecksum = replica.BytesPerChecksum;
        var packetData = PacketDataBytes(bytesPerChecksum);
        var spanBytes = Math.Max(packetData, ReadSpanBytes / packetData * packetData);
        using var packet = PacketBuffer.Rent(packetData, bytesPerChecksum);
        using var current = new ReadSpan(spanBytes, bytesPerChecksum);
        using var next = new ReadSpan(spanBytes, bytesPerChecksum);
        var (filling, sending) = (next, current);
        sending.Fill(replica, start, end);
        long seqno = 0;
        while (sending.Length > 0)
        {
            // Read the next span from disk on another thread while this one goes out on the socket.
            var spanEnd = sending.Start + sending.Length;
            var prefetch = spanEnd < end ? Task.Run(() => filling.Fill(replica, spanEnd, end)) : Task.CompletedTask;
            try
            {
                for (var at = 0; at < sending.Length; at += packetData)
                {
                    var length = Math.Min(packetData, sending.Length - at);
                    sending.CopyPacket(at, length, packet);
                    var offset = sending.Start + at;
                    if (!replica.IsFinalized && offset + length == replica.Length && length % bytesPerChecksum != 0)
                    {
                        var lastChunk = length / bytesPerChecksum * bytesPerChecksum;
                        BinaryPrimitives.WriteUInt32BigEndian(packet.Checksums[^ChunkChecksums.ChecksumSize..], Crc32C.Compute(packet.Data[lastChunk..]));
                    }

                    SetHeader(packet, offset, seqno++, last: false);
                    await output.WriteAsync(packet.Frame, deadline.Arm()).ConfigureAwait(false);
                }
            }
            finally
            {
                await prefetch.ConfigureAwait(false);
            }

            if (spanEnd >= end)
            {
                break;
            }

            (filling, sending) = (sending, filling);
        }

        await SendLastPacketAsync(packet, end, seqno).ConfigureAwait(false);
    }

    /// <summary>The empty packet that ends the block.</summary>
    private async Task SendLastPacketAsync(PacketBuffer packet, long end, long seqno)
    {
        packet.SetDataLength(0);
        SetHeader(packet, end, seqno, last: true);
        await output.WriteAsync(packet.Frame, deadline.Arm()).ConfigureAwait(false);
    }

    private static void SetHeader(PacketBuffer packet, long offset, long seqno, bool last)
    {
        packet.Header.OffsetInBlock = offset;
        packet.Header.Seqno = seqno;
        packet.Header.LastPacketInBlock = last;
        packet.Header.SyncBlock = false;
        packet.Seal();
    }

    /// <summary>The client's verdict; a client that hangs up without one has simply stopped reading.</summary>
    private async Task ReadStatusAsync(long start, long end)
    {
        try
        {
            var status = await DataTransferCodec.ReadMessageAsync(input, ClientReadStatus.Parser, deadline.Arm()).ConfigureAwait(false);
            if (status.Status == TransferStatus.ErrorChecksum)
            {
                TransferLog.ClientChecksumError(context.Logger, peer, _block, start, end);
            }
        }
        catch (DataTransferProtocolException)
        {
            // Closed before a status: nothing to learn.
        }
    }

    private async Task RefuseAsync(CkptFsException refusal)
    {
        var response = TransferStatuses.Failure(refusal);
        TransferLog.Refused(context.Logger, DataTransferOp.ReadBlock, _block, peer, response.Status, refusal.Message);
        await DataTransferCodec.WriteMessageAsync(output, response, deadline.Arm()).ConfigureAwait(false);
    }
}
