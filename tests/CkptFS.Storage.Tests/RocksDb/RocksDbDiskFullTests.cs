using CkptFS.Common;
using CkptFS.Storage.RocksDb;
using CkptFS.Storage.Tests.Files;

namespace CkptFS.Storage.Tests.RocksDb;

public sealed class RocksDbDiskFullTests
{
    [TmpfsFact]
    public void AFullDiskSurfacesAsDiskFull()
    {
        using var disk = TmpfsMount.Create(sizeKiB: 1024);
        using var database = RocksDatabase.Open(Path.Combine(disk.Path, "db"), new RocksDbOptions { WriteBufferBytes = 256 * 1024 });
        var value = new byte[64 * 1024];

        var error = Assert.Throws<RocksDbException>(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                database.Put(BitConverter.GetBytes(i), value, sync: true);
            }
        });

        Assert.Equal(ErrorCode.DiskFull, error.Code);
        Assert.Contains("No space left on device", error.RocksMessage, StringComparison.Ordinal);
    }
}
