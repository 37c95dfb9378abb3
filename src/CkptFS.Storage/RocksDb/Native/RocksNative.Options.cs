using System.Runtime.InteropServices;

namespace CkptFS.Storage.RocksDb.Native;

/// <summary>The option objects of the C API: database, write, read and flush options, table and cache.</summary>
internal static partial class RocksNative
{
    [LibraryImport(Library, EntryPoint = "rocksdb_options_create")]
    public static partial nint OptionsCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_options_destroy")]
    public static partial void OptionsDestroy(nint options);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_create_if_missing")]
    public static partial void OptionsSetCreateIfMissing(OptionsHandle options, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_paranoid_checks")]
    public static partial void OptionsSetParanoidChecks(OptionsHandle options, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_max_open_files")]
    public static partial void OptionsSetMaxOpenFiles(OptionsHandle options, int value);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_write_buffer_size")]
    public static partial void OptionsSetWriteBufferSize(OptionsHandle options, nuint bytes);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_enable_statistics")]
    public static partial void OptionsEnableStatistics(OptionsHandle options);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_compression")]
    public static partial void OptionsSetCompression(OptionsHandle options, int compression);

    [LibraryImport(Library, EntryPoint = "rocksdb_options_set_block_based_table_factory")]
    public static partial void OptionsSetBlockBasedTableFactory(OptionsHandle options, BlockBasedOptionsHandle tableOptions);

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_create")]
    public static partial nint BlockBasedOptionsCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_destroy")]
    public static partial void BlockBasedOptionsDestroy(nint options);

    [LibraryImport(Library, EntryPoint = "rocksdb_block_based_options_set_block_cache")]
    public static partial void BlockBasedOptionsSetBlockCache(BlockBasedOptionsHandle options, CacheHandle cache);

    [LibraryImport(Library, EntryPoint = "rocksdb_cache_create_lru")]
    public static partial nint CacheCreateLru(nuint capacityBytes);

    [LibraryImport(Library, EntryPoint = "rocksdb_cache_destroy")]
    public static partial void CacheDestroy(nint cache);

    [LibraryImport(Library, EntryPoint = "rocksdb_writeoptions_create")]
    public static partial nint WriteOptionsCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_writeoptions_destroy")]
    public static partial void WriteOptionsDestroy(nint options);

    [LibraryImport(Library, EntryPoint = "rocksdb_writeoptions_set_sync")]
    public static partial void WriteOptionsSetSync(WriteOptionsHandle options, byte value);

    [LibraryImport(Library, EntryPoint = "rocksdb_readoptions_create")]
    public static partial nint ReadOptionsCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_readoptions_destroy")]
    public static partial void ReadOptionsDestroy(nint options);

    /// <summary>RocksDB keeps the pointer, not a copy: the key memory must outlive every iterator made from these options.</summary>
    [LibraryImport(Library, EntryPoint = "rocksdb_readoptions_set_iterate_upper_bound")]
    public static unsafe partial void ReadOptionsSetIterateUpperBound(ReadOptionsHandle options, byte* key, nuint keyLength);

    /// <summary>Same lifetime rule as the upper bound.</summary>
    [LibraryImport(Library, EntryPoint = "rocksdb_readoptions_set_iterate_lower_bound")]
    public static unsafe partial void ReadOptionsSetIterateLowerBound(ReadOptionsHandle options, byte* key, nuint keyLength);

    [LibraryImport(Library, EntryPoint = "rocksdb_flushoptions_create")]
    public static partial nint FlushOptionsCreate();

    [LibraryImport(Library, EntryPoint = "rocksdb_flushoptions_destroy")]
    public static partial void FlushOptionsDestroy(nint options);

    [LibraryImport(Library, EntryPoint = "rocksdb_flushoptions_set_wait")]
    public static partial void FlushOptionsSetWait(FlushOptionsHandle options, byte value);
}
