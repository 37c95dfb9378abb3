namespace CkptFS.Storage.RocksDb;

/// <summary>How <see cref="RocksDatabase.Open"/> configures RocksDB. Sizes are in bytes.</summary>
public sealed class RocksDbOptions
{
    /// <summary>Create the database when the folder holds none. Default true.</summary>
    public bool CreateIfMissing { get; set; } = true;

    /// <summary>
    /// Verify checksums aggressively and stop on the first inconsistency instead of skipping it.
    /// Default true: the NameNode's metadata must fail loudly rather than lose a record.
    /// </summary>
    public bool ParanoidChecks { get; set; } = true;

    /// <summary>Files RocksDB keeps open; -1 (the default) keeps all open, fastest for a small metadata store.</summary>
    public int MaxOpenFiles { get; set; } = -1;

    /// <summary>Memtable size before a flush to an SST file. Default 64 MiB (RocksDB's own default).</summary>
    public long WriteBufferBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Collect RocksDB statistics ("rocksdb.stats" property); costs some CPU per operation. Default false.</summary>
    public bool EnableStatistics { get; set; }

    /// <summary>LRU block cache size; 0 (the default) keeps RocksDB's built-in 8 MiB cache.</summary>
    public long BlockCacheBytes { get; set; }

    /// <summary>
    /// SST block compression. Default <see cref="RocksCompression.None"/>: namespace records are small and
    /// mostly unique, so compression buys little, and no codec has to be present in the library build.
    /// </summary>
    public RocksCompression Compression { get; set; } = RocksCompression.None;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the setting and value that cannot work.</summary>
    public void Validate()
    {
        if (MaxOpenFiles is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxOpenFiles), MaxOpenFiles, "MaxOpenFiles must be -1 (unlimited) or positive.");
        }

        if (WriteBufferBytes < 64 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(WriteBufferBytes), WriteBufferBytes, "WriteBufferBytes must be at least 64 KiB.");
        }

        if (BlockCacheBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BlockCacheBytes), BlockCacheBytes, "BlockCacheBytes must be 0 (default cache) or positive.");
        }

        if (!Enum.IsDefined(Compression))
        {
            throw new ArgumentOutOfRangeException(nameof(Compression), Compression, "Compression must be None, Snappy, Lz4 or Zstd.");
        }
    }
}
