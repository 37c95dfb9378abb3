using CkptFS.Common;
using CkptFS.Storage.RocksDb;

namespace CkptFS.Storage.Tests.RocksDb;

public sealed class RocksDbErrorTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void OpeningTheSameDatabaseTwiceSurfacesRocksDbLockError()
    {
        var path = _directory.Combine("db");
        using var first = RocksDatabase.Open(path);

        var error = Assert.Throws<RocksDbException>(() => RocksDatabase.Open(path));

        Assert.Equal(ErrorCode.StorageFailure, error.Code);
        Assert.Equal("open", error.Operation);
        Assert.Equal(path, error.DatabasePath);
        Assert.Contains("lock", error.RocksMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(error.RocksMessage, error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpeningARegularFileSurfacesRocksDbMessage()
    {
        var path = _directory.Combine("not-a-folder");
        File.WriteAllText(path, "plain file");

        var error = Assert.Throws<RocksDbException>(() => RocksDatabase.Open(path));

        Assert.StartsWith("IO error", error.RocksMessage, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpeningAMissingDatabaseWithoutCreateIfMissingFails()
    {
        var path = _directory.Combine("absent");

        var error = Assert.Throws<RocksDbException>(() => RocksDatabase.Open(path, new RocksDbOptions { CreateIfMissing = false }));

        Assert.Contains("does not exist", error.RocksMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ACorruptManifestIsReportedAsStorageCorrupt()
    {
        var path = _directory.Combine("db");
        using (var database = RocksDatabase.Open(path))
        {
            database.Put(Bytes.Of("k"), Bytes.Of("v"), sync: true);
        }

        var manifest = Directory.GetFiles(path, "MANIFEST-*").Single();
        var bytes = File.ReadAllBytes(manifest);
        Array.Fill(bytes, (byte)0x5A, 0, Math.Min(bytes.Length, 64));
        File.WriteAllBytes(manifest, bytes);

        var error = Assert.Throws<RocksDbException>(() => RocksDatabase.Open(path));

        Assert.Equal(ErrorCode.StorageCorrupt, error.Code);
        Assert.StartsWith("Corruption", error.RocksMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Corruption: block checksum mismatch", ErrorCode.StorageCorrupt)]
    [InlineData("IO error: No space left on device: While appending to file: /x/000004.log", ErrorCode.DiskFull)]
    [InlineData("IO error: While lock file: /x/LOCK: Resource temporarily unavailable", ErrorCode.StorageFailure)]
    public void MessagesAreClassifiedByRocksDbStatus(string rocksMessage, ErrorCode expected)
    {
        var error = new RocksDbException(rocksMessage, "put", "/x");

        Assert.Equal(expected, error.Code);
        Assert.Equal("RocksDB put failed on '/x': " + rocksMessage, error.Message);
    }

    [Fact]
    public void InvalidOptionsAreRejectedBeforeRocksDbSeesThem()
    {
        var path = _directory.Combine("db");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => RocksDatabase.Open(path, new RocksDbOptions { MaxOpenFiles = 0 }));

        Assert.Equal(nameof(RocksDbOptions.MaxOpenFiles), error.ParamName);
        Assert.False(Directory.Exists(path));
    }
}
