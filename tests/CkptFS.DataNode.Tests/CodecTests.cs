using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Tests;

public sealed class CodecTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Request_and_messages_round_trip()
    {
        using var stream = new MemoryStream();
        var header = new OpReadBlockHeader { Block = new ExtendedBlock { BlockId = 7, GenerationStamp = 3 }, ClientName = "c", Offset = 5, Length = 900 };
        await DataTransferCodec.WriteRequestAsync(stream, DataTransferOp.ReadBlock, header, None);
        await DataTransferCodec.WriteMessageAsync(stream, new PipelineAck { Seqno = 42, Replies = { TransferStatus.Success, TransferStatus.ErrorChecksum } }, None);
        stream.Position = 0;

        var request = await DataTransferCodec.ReadRequestAsync(stream, None);
        Assert.NotNull(request);
        Assert.Equal(DataTransferOp.ReadBlock, request.Op);
        Assert.Equal(header, request.ParseHeader(OpReadBlockHeader.Parser));
        var ack = await DataTransferCodec.ReadMessageAsync(stream, PipelineAck.Parser, None);
        Assert.Equal(42, ack.Seqno);
        Assert.Equal([TransferStatus.Success, TransferStatus.ErrorChecksum], ack.Replies);
        Assert.Null(await DataTransferCodec.ReadRequestAsync(stream, None));
    }

    [Fact]
    public async Task Packet_round_trips_with_checksums_before_data()
    {
        var data = new byte[3000];
        new Random(1).NextBytes(data);
        using var sent = PacketBuffer.Rent(4096, 512);
        data.CopyTo(sent.DataSpace);
        sent.SetDataLength(data.Length);
        sent.ComputeChecksums();
        sent.Header.OffsetInBlock = 1024;
        sent.Header.Seqno = 9;
        sent.Seal();
        Assert.Equal(6 + sent.Header.CalculateSize() + (6 * 4) + 3000, sent.Frame.Length);

        using var stream = new MemoryStream(sent.Frame.ToArray());
        using var received = PacketBuffer.RentForReceive(512);
        Assert.True(await received.ReadAsync(stream, 512, None));
        Assert.Equal(1024, received.Header.OffsetInBlock);
        Assert.Equal(9, received.Header.Seqno);
        Assert.Equal(data, received.Data.ToArray());
        Assert.Equal(sent.Checksums.ToArray(), received.Checksums.ToArray());
        Assert.Equal(sent.Frame.ToArray(), received.Frame.ToArray());
        Assert.False(await received.ReadAsync(stream, 512, None));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]            // 4 GiB - 1
    [InlineData(new byte[] { 0x81, 0x80, 0x04 })]                        // 65 537, just over 64 KiB
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 })]      // runs past 5 bytes
    public async Task A_lying_message_length_is_rejected_before_allocating(byte[] varint)
    {
        using var stream = new MemoryStream(varint);
        await Assert.ThrowsAsync<DataTransferProtocolException>(async () => await DataTransferCodec.ReadMessageAsync(stream, PipelineAck.Parser, None));
    }

    [Theory]
    [InlineData(DataTransferOp.InitReplicaRecovery)]
    [InlineData(DataTransferOp.UpdateReplicaUnderRecovery)]
    public async Task Block_recovery_ops_are_read(DataTransferOp op)
    {
        using var stream = new MemoryStream();
        var header = new OpUpdateReplicaUnderRecoveryHeader { Block = new ExtendedBlock { BlockId = 7, GenerationStamp = 3 }, RecoveryId = 9, NewLength = 1000 };
        await DataTransferCodec.WriteRequestAsync(stream, op, header, None);
        stream.Position = 0;

        var request = await DataTransferCodec.ReadRequestAsync(stream, None);

        Assert.Equal((byte)op, stream.GetBuffer()[2]);
        Assert.Equal(op, request!.Op);
        Assert.Equal(header, request.ParseHeader(OpUpdateReplicaUnderRecoveryHeader.Parser));
    }

    [Fact]
    public async Task Wrong_version_and_unknown_op_are_rejected()
    {
        using var version = new MemoryStream([0x00, 0x02, 80, 0x00]);
        await Assert.ThrowsAsync<DataTransferProtocolException>(async () => await DataTransferCodec.ReadRequestAsync(version, None));
        using var op = new MemoryStream([0x00, 0x01, 99, 0x00]);
        await Assert.ThrowsAsync<DataTransferProtocolException>(async () => await DataTransferCodec.ReadRequestAsync(op, None));
    }

    [Fact]
    public async Task Lying_packet_lengths_and_cut_frames_are_rejected()
    {
        using var packet = PacketBuffer.RentForReceive(512);
        // payload_len of 1 GiB.
        using var huge = new MemoryStream([0x40, 0x00, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00]);
        await Assert.ThrowsAsync<DataTransferProtocolException>(async () => await packet.ReadAsync(huge, 512, None));

        // data_len 100 but the payload holds 4 bytes of checksum and 10 of data.
        var header = new PacketHeader { DataLen = 100 };
        var headerBytes = Google.Protobuf.MessageExtensions.ToByteArray(header);
        byte[] frame = [0, 0, 0, 18, 0, (byte)headerBytes.Length, .. headerBytes, .. new byte[14]];
        using var lie = new MemoryStream(frame);
        await Assert.ThrowsAsync<DataTransferProtocolException>(async () => await packet.ReadAsync(lie, 512, None));

        using var cut = new MemoryStream(frame[..10]);
        await Assert.ThrowsAsync<DataTransferProtocolException>(async () => await packet.ReadAsync(cut, 512, None));
    }
}
