using CkptFS.Protocol.DataTransfer;

namespace CkptFS.DataNode;

/// <summary>
/// Settings of the DataNode's block storage and data transfer port (HDFS's dfs.datanode.data.dir,
/// dfs.bytes-per-checksum, dfs.datanode.du.reserved, dfs.datanode.max.transfer.threads...).
/// The NameNode link has its own options; the DataNode process composes both.
/// </summary>
public sealed class DataNodeStorageOptions
{
    /// <summary>Data folders (volumes), one per disk; each gets current/rbw, current/finalized, current/corrupt. No default.</summary>
    public IList<string> DataFolders { get; set; } = [];

    /// <summary>Data bytes per CRC32C chunk of new replicas (dfs.bytes-per-checksum): 512.</summary>
    public int BytesPerChecksum { get; set; } = 512;

    /// <summary>Data bytes per packet this node sends when serving reads: 64 KiB.</summary>
    public int PacketSizeBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Data per packet when serving a read (512 KiB): larger than write packets because a read has no
    /// pipeline latency to hide, and per-packet work (header, send, the client's bookkeeping) is what
    /// bounds a 2-core machine's read rate. Measured 2 GiB cold read, one DataNode: 64 KiB → ~390 MiB/s.
    /// </summary>
    public int ReadPacketSizeBytes { get; set; } = 512 * 1024;

    /// <summary>
    /// Send finalized replicas to a TCP peer with sendfile(2), without copying the data through user
    /// space (HDFS's dfs.datanode.transferTo.allowed): true. False forces the copy path (to compare them,
    /// CKPTFS_DATANODE__STORAGE__ZEROCOPYREADS=false).
    /// </summary>
    public bool ZeroCopyReads { get; set; } = true;

    /// <summary>Reads and writes served at once (dfs.datanode.max.transfer.threads); more connections are closed at accept: 512.</summary>
    public int MaxConcurrentTransfers { get; set; } = 512;

    /// <summary>Longest wait for a peer's next message or packet, and for connecting to the next node (dfs.client.socket-timeout): 60 s.</summary>
    public TimeSpan SocketTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Free bytes per volume kept out of replicas' reach (dfs.datanode.du.reserved): 0.</summary>
    public long ReservedBytesPerVolume { get; set; }

    /// <summary>Address the data transfer port binds to: all interfaces.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Data transfer TCP port (dfs.datanode.address); 0 picks a free port, exposed after start: 9866.</summary>
    public int TransferPort { get; set; } = 9866;

    /// <summary>
    /// Sync-behind step (HDFS sync-behind-writes): each time a replica being written grows by this
    /// much, its writeback starts and the step before is waited for, so the disk flushes while the
    /// block streams and finalize's fsync has about one step left: 8 MiB. 0 turns it off (the whole
    /// block is flushed at finalize). Durability is the same either way: finalize fsyncs.
    /// </summary>
    public long SyncBehindBytes { get; set; } = 8L << 20;

    /// <summary>Drop-behind: also drop each synced step from the page cache (HDFS drop-behind-writes): off.</summary>
    public bool DropBehindWrites { get; set; }

    public void Validate()
    {
        Require(DataFolders.Count > 0 && DataFolders.All(folder => !string.IsNullOrWhiteSpace(folder)), nameof(DataFolders), string.Join(',', DataFolders), "one or more folders");
        Require(DataFolders.Distinct().Count() == DataFolders.Count, nameof(DataFolders), string.Join(',', DataFolders), "distinct folders");
        Require(BytesPerChecksum > 0 && BytesPerChecksum <= DataTransferProtocol.MaxBytesPerChecksum, nameof(BytesPerChecksum), BytesPerChecksum, $"1..{DataTransferProtocol.MaxBytesPerChecksum}");
        Require(ReadPacketSizeBytes >= BytesPerChecksum && ReadPacketSizeBytes % BytesPerChecksum == 0 && ReadPacketSizeBytes <= DataTransferProtocol.MaxPacketPayloadBytes / 2,
            nameof(ReadPacketSizeBytes), ReadPacketSizeBytes, $"a multiple of {nameof(BytesPerChecksum)} ({BytesPerChecksum}) up to {DataTransferProtocol.MaxPacketPayloadBytes / 2}");
        Require(PacketSizeBytes >= BytesPerChecksum && PacketSizeBytes % BytesPerChecksum == 0 && PacketSizeBytes <= DataTransferProtocol.MaxPacketPayloadBytes / 2,
            nameof(PacketSizeBytes), PacketSizeBytes, $"a multiple of {nameof(BytesPerChecksum)} ({BytesPerChecksum}) up to {DataTransferProtocol.MaxPacketPayloadBytes / 2}");
        Require(MaxConcurrentTransfers >= 1, nameof(MaxConcurrentTransfers), MaxConcurrentTransfers, ">= 1");
        Require(SocketTimeout > TimeSpan.Zero && SocketTimeout <= TimeSpan.FromHours(1), nameof(SocketTimeout), SocketTimeout, "more than 0 and at most 1 hour");
        Require(ReservedBytesPerVolume >= 0, nameof(ReservedBytesPerVolume), ReservedBytesPerVolume, ">= 0");
        Require(System.Net.IPAddress.TryParse(BindAddress, out _), nameof(BindAddress), BindAddress, "an IP address");
        Require(SyncBehindBytes >= 0 && SyncBehindBytes % Environment.SystemPageSize == 0, nameof(SyncBehindBytes), SyncBehindBytes, $"0 (off) or a multiple of the page size ({Environment.SystemPageSize})");
        Require(TransferPort is >= 0 and <= 65535, nameof(TransferPort), TransferPort, "0..65535");
    }

    private static void Require(bool condition, string key, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid setting {key} = {value}: expected {expected}.", key);
        }
    }
}
