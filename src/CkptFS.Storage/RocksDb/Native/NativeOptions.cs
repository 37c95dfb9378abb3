namespace CkptFS.Storage.RocksDb.Native;

/// <summary>Turns <see cref="RocksDbOptions"/> into a native options object for one open call.</summary>
internal static class NativeOptions
{
    public static OptionsHandle Create(RocksDbOptions options)
    {
        var native = new OptionsHandle(RocksNative.OptionsCreate());
        try
        {
            RocksNative.OptionsSetCreateIfMissing(native, options.CreateIfMissing ? (byte)1 : (byte)0);
            RocksNative.OptionsSetParanoidChecks(native, options.ParanoidChecks ? (byte)1 : (byte)0);
            RocksNative.OptionsSetMaxOpenFiles(native, options.MaxOpenFiles);
            RocksNative.OptionsSetWriteBufferSize(native, checked((nuint)options.WriteBufferBytes));
            RocksNative.OptionsSetCompression(native, (int)options.Compression);
            if (options.EnableStatistics)
            {
                RocksNative.OptionsEnableStatistics(native);
            }

            if (options.BlockCacheBytes > 0)
            {
                // The table factory copies the table options and the options hold a shared reference
                // to the cache, so both wrappers can go as soon as the factory is set.
                using var cache = new CacheHandle(RocksNative.CacheCreateLru(checked((nuint)options.BlockCacheBytes)));
                using var table = new BlockBasedOptionsHandle(RocksNative.BlockBasedOptionsCreate());
                RocksNative.BlockBasedOptionsSetBlockCache(table, cache);
                RocksNative.OptionsSetBlockBasedTableFactory(native, table);
            }

            return native;
        }
        catch
        {
            native.Dispose();
            throw;
        }
    }
}
