namespace CkptFS.Storage.RocksDb;

/// <summary>
/// Block compression for SST files. The values are RocksDB's own (<c>rocksdb_*_compression</c> in c.h,
/// RocksDbSharp's <c>Compression</c>); the RocksDB package's native build links snappy, lz4 and zstd,
/// and RocksDB rejects at open a type its build lacks.
/// </summary>
public enum RocksCompression
{
    None = 0,
    Snappy = 1,
    Lz4 = 4,
    Zstd = 7,
}
