using CkptFS.Common;
using CkptFS.Storage.RocksDb.Native;

namespace CkptFS.Storage.Tests.RocksDb;

public sealed class RocksLibraryTests
{
    [Fact]
    public void AMissingLibraryNamesTheSetupScript()
    {
        var error = Assert.Throws<CkptFsException>(() => RocksLibrary.Load(["librocksdb-absent.so.0.0"]));

        Assert.Equal(ErrorCode.StorageFailure, error.Code);
        Assert.Contains("scripts/setup.sh", error.Message, StringComparison.Ordinal);
        Assert.Contains("librocksdb-absent.so.0.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDebianLibraryIsFoundByItsSoname()
    {
        Assert.NotEqual(0, RocksLibrary.Load(["librocksdb.so.7.8"]));
    }
}
