using RocksDbSharp;

namespace CkptFS.Storage.RocksDb;

/// <summary>Turns <see cref="RocksDbOptions"/> into RocksDbSharp's options for one open call.</summary>
internal static class RocksDbSharpOptions
{
    /// <summary>
    /// The block-based table format of every SST file we write. RocksDB 11 writes format 7 by
    /// default, which Debian's librocksdb 7.8.3 (the previous CkptFS release) cannot read: with 5
    /// (the newest that 7.8 knows) a metadata folder written by this build still opens with the
    /// previous one, so an upgrade can be rolled back. Format 5 is what 7.8 itself wrote, so folders of
    /// that release hold it already. Raise it only when rolling back to 7.8 no longer matters.
    /// </summary>
    public const int TableFormatVersion = 5;

    public static DbOptions Create(RocksDbOptions options)
    {
        // RocksDB copies the table options into its table factory and holds its own reference to
        // the cache, so none of these objects has to outlive the open call.
        var table = new BlockBasedTableOptions().SetFormatVersion(TableFormatVersion);
        if (options.BlockCacheBytes > 0)
        {
            table.SetBlockCache(Cache.CreateLru(checked((ulong)options.BlockCacheBytes)));
        }

        var native = new DbOptions()
            .SetCreateIfMissing(options.CreateIfMissing)
            .SetParanoidChecks(options.ParanoidChecks)
            .SetMaxOpenFiles(options.MaxOpenFiles)
            .SetWriteBufferSize(checked((ulong)options.WriteBufferBytes))
            .SetCompression((Compression)options.Compression)
            .SetBlockBasedTableFactory(table);
        if (options.EnableStatistics)
        {
            native.EnableStatistics();
        }

        return native;
    }
}
