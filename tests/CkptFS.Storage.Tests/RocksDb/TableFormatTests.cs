using CkptFS.Storage.RocksDb;

namespace CkptFS.Storage.Tests.RocksDb;

/// <summary>
/// The rollback guarantee: SST files are written in block-based table format 5, the newest that
/// Debian's librocksdb 7.8.3 (the previous CkptFS release) reads; RocksDB 11's own default, 7, it
/// refuses ("Corrupt or unsupported format_version: 7"). RocksDB records the table options it runs
/// with in the folder's OPTIONS file, which is what this reads.
/// </summary>
public sealed class TableFormatTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void SstFilesAreWrittenInFormatFiveWhichRocksDb78Reads()
    {
        var path = _directory.Combine("db");
        using (var database = RocksDatabase.Open(path, new RocksDbOptions { BlockCacheBytes = 1024 * 1024 }))
        {
            database.Put(Bytes.Of("k"), Bytes.Of("v"), sync: true);
            database.Flush();
        }

        var options = Directory.GetFiles(path, "OPTIONS-*").Order(StringComparer.Ordinal).Last();
        var table = File.ReadLines(options)
            .SkipWhile(line => !line.StartsWith("[TableOptions/BlockBasedTable", StringComparison.Ordinal))
            .Skip(1)
            .TakeWhile(line => !line.StartsWith('['))
            .Select(line => line.Trim());
        Assert.Contains("format_version=5", table);
    }
}
