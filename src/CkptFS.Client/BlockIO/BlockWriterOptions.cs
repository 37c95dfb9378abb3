using CkptFS.Protocol.DataTransfer;

namespace CkptFS.Client.BlockIO;

/// <summary>Settings of one block write (HDFS's dfs.client-write-packet-size, dfs.bytes-per-checksum...).</summary>
public sealed class BlockWriterOptions
{
    /// <summary>
    /// Data bytes per packet: 256 KiB (HDFS uses 64 KiB); a multiple of <see cref="BytesPerChecksum"/>.
    /// Per-packet work (headers, acks and thread hops at every node) bounds a 2-core machine: measured
    /// 2 GiB writes with replication 3 on one disk, 64 KiB packets → 66-74 MiB/s, 256 KiB → 90-96 MiB/s.
    /// </summary>
    public int PacketSizeBytes { get; set; } = 256 * 1024;

    /// <summary>Data bytes per CRC32C chunk (dfs.bytes-per-checksum): 512.</summary>
    public int BytesPerChecksum { get; set; } = 512;

    /// <summary>Packets sent but not yet acknowledged before a write waits for acks: 32, so 8 MiB in flight (HDFS: 80 x 64 KiB = 5 MiB).</summary>
    public int WindowPackets { get; set; } = 32;

    /// <summary>Longest wait to connect to the first DataNode: 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for the setup response, or for the oldest packet's ack once the writer waits for it: 60 s.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The CA bundle (PEM) DataNodes whose transfer port serves TLS are checked against; null: such
    /// DataNodes are refused (TlsMismatch). A CkptFsClient fills it from its own TlsCaFile when unset.
    /// </summary>
    public string? TlsCaFile { get; set; }

    public void Validate()
    {
        Require(BytesPerChecksum > 0 && BytesPerChecksum <= DataTransferProtocol.MaxBytesPerChecksum, nameof(BytesPerChecksum), BytesPerChecksum, $"1..{DataTransferProtocol.MaxBytesPerChecksum}");
        Require(PacketSizeBytes >= BytesPerChecksum && PacketSizeBytes % BytesPerChecksum == 0 && PacketSizeBytes <= DataTransferProtocol.MaxPacketPayloadBytes / 2,
            nameof(PacketSizeBytes), PacketSizeBytes, $"a multiple of {nameof(BytesPerChecksum)} ({BytesPerChecksum}) up to {DataTransferProtocol.MaxPacketPayloadBytes / 2}");
        Require(WindowPackets >= 1, nameof(WindowPackets), WindowPackets, ">= 1");
        Require(ConnectTimeout > TimeSpan.Zero, nameof(ConnectTimeout), ConnectTimeout, "> 0");
        Require(ReadTimeout > TimeSpan.Zero, nameof(ReadTimeout), ReadTimeout, "> 0");
    }

    private static void Require(bool condition, string key, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid setting {key} = {value}: expected {expected}.", key);
        }
    }
}
