using System.Net.Sockets;
using CkptFS.Common.Checksums;
using CkptFS.Protocol.DataTransfer;
using CkptFS.Protocol.V1;

namespace CkptFS.DataNode.Tests;

/// <summary>
/// A WRITE_BLOCK driven by hand with the codec, for what BlockWriter cannot do: any stage (streaming
/// recovery), packets from any offset, and the acks read one by one. Every wait is bounded.
/// </summary>
internal sealed class HandWrite : IAsyncDisposable
{
    private readonly NetworkStream _stream;
    private readonly BufferedStream _input;
    private long _seqno;

    private HandWrite(NetworkStream stream)
    {
        _stream = stream;
        _input = new BufferedStream(stream, 4096);
    }

    /// <summary>Connects to <paramref name="node"/>, sends the header and reads the setup response.</summary>
    public static async Task<(HandWrite Write, BlockOpResponse Response)> OpenAsync(DatanodeId node, OpWriteBlockHeader header)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(node.Host, (int)node.TransferPort).WaitAsync(TestCluster.Timeout);
        var write = new HandWrite(new NetworkStream(socket, ownsSocket: true));
        await DataTransferCodec.WriteRequestAsync(write._stream, DataTransferOp.WriteBlock, header, CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
        var response = await DataTransferCodec.ReadMessageAsync(write._input, BlockOpResponse.Parser, CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);
        return (write, response);
    }

    public static OpWriteBlockHeader Header(ExtendedBlock block, AccessToken token, PipelineStage stage = PipelineStage.SetupCreate,
        IEnumerable<DatanodeId>? targets = null, long minBytesReceived = 0) => new()
    {
        Block = block,
        Token = token,
        ClientName = "test-client",
        Stage = stage,
        BytesPerChecksum = 512,
        MinBytesReceived = (ulong)minBytesReceived,
        Targets = { targets ?? [] },
    };

    /// <summary>A packet of <paramref name="data"/> at <paramref name="offset"/> with correct 512-byte chunk checksums.</summary>
    public static PacketBuffer Packet(long offset, long seqno, ReadOnlySpan<byte> data, bool last = false)
    {
        var packet = PacketBuffer.Rent(data.Length, 512);
        data.CopyTo(packet.DataSpace);
        packet.SetDataLength(data.Length);
        packet.ComputeChecksums();
        packet.Header.OffsetInBlock = offset;
        packet.Header.Seqno = seqno;
        packet.Header.LastPacketInBlock = last;
        packet.Seal();
        Assert.Equal(-1, ChunkChecksums.Verify(packet.Data, 512, packet.Checksums));
        return packet;
    }

    /// <summary>Sends <paramref name="data"/>[from, to) in packets starting at block offset <paramref name="from"/>, then reads one ack per packet.</summary>
    public async Task<List<PipelineAck>> SendAsync(byte[] data, int from, int to, int packetBytes = 64 * 1024)
    {
        var packets = 0;
        for (var at = from; at < to; at += packetBytes)
        {
            using var packet = Packet(at, _seqno++, data.AsSpan(at, Math.Min(packetBytes, to - at)));
            await _stream.WriteAsync(packet.Frame).AsTask().WaitAsync(TestCluster.Timeout);
            packets++;
        }

        var acks = new List<PipelineAck>();
        for (var i = 0; i < packets; i++)
        {
            acks.Add(await ReadAckAsync());
        }

        return acks;
    }

    /// <summary>Sends the empty last packet at <paramref name="end"/> and reads its ack (all SUCCESS: every replica finalized).</summary>
    public async Task<PipelineAck> CloseAsync(long end)
    {
        using var packet = Packet(end, _seqno++, [], last: true);
        await _stream.WriteAsync(packet.Frame).AsTask().WaitAsync(TestCluster.Timeout);
        return await ReadAckAsync();
    }

    public async Task<PipelineAck> ReadAckAsync() =>
        await DataTransferCodec.ReadMessageAsync(_input, PipelineAck.Parser, CancellationToken.None).AsTask().WaitAsync(TestCluster.Timeout);

    /// <summary>The raw stream, for a test that breaks the protocol on purpose.</summary>
    public NetworkStream Stream => _stream;

    public async ValueTask DisposeAsync()
    {
        await _input.DisposeAsync();
        await _stream.DisposeAsync();
    }
}
