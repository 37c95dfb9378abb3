namespace CkptFS.Protocol.DataTransfer;

/// <summary>
/// Constants of the data transfer protocol (protos/ckptfs/v1/data_transfer.proto has the framing).
/// The limits bound what a peer can make us allocate: a lying length fails before any buffer is rented.
/// </summary>
public static class DataTransferProtocol
{
    /// <summary>The u16 at the start of every request; a peer speaking another version is refused.</summary>
    public const ushort Version = 1;

    /// <summary>Largest op header or varint-delimited message (response, ack, read status): 64 KiB.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>Largest PacketHeader (its length travels as a u16); a real one is under 40 bytes.</summary>
    public const int MaxPacketHeaderBytes = 64 * 1024 - 1;

    /// <summary>Largest packet payload (checksums + data) accepted: 16 MiB, 256 times the default packet.</summary>
    public const int MaxPacketPayloadBytes = 16 * 1024 * 1024;

    /// <summary>Largest chunk a replica may use: 64 KiB (the default is 512 bytes).</summary>
    public const int MaxBytesPerChecksum = 64 * 1024;

    /// <summary>u32 payload_len + u16 header_len in front of every packet.</summary>
    public const int PacketPrefixBytes = 6;

    /// <summary>payload_len counts its own 4 bytes, as HDFS's does.</summary>
    public const int PayloadLengthFieldBytes = 4;

    /// <summary>Request prefix: u16 version + u8 op, before the varint length of the op header.</summary>
    public const int RequestPrefixBytes = 3;
}
