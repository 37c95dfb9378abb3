using CkptFS.Common;
using CkptFS.Testing;

namespace CkptFS.DataNode.Tests;

public sealed class DiskFullTests
{
    [TmpfsFact]
    public void A_full_disk_fails_the_write_with_DiskFull_and_leaves_nothing_behind()
    {
        using var mount = TmpfsMount.Create(sizeKiB: 256);
        using var fixture = new StoreFixture(folders: [mount.Path]);
        var writer = fixture.Store.CreateRbw(StoreFixture.Block(60), 512);

        var error = Assert.Throws<CkptFsException>(() => StoreFixture.Append(writer, 0, new byte[1024 * 1024]));
        writer.Discard();

        Assert.Equal(ErrorCode.DiskFull, error.Code);
        Assert.Empty(fixture.Store.ListReplicas());
        Assert.Empty(Directory.GetFiles(fixture.Store.Volumes[0].RbwDirectory));
        Assert.Empty(Directory.GetFiles(fixture.Store.Volumes[0].FinalizedDirectory, "*", SearchOption.AllDirectories));

        // The space came back: a small replica fits again.
        var data = fixture.WriteFinalized(61, 4096, seed: 1);
        using var input = fixture.Store.OpenForRead(StoreFixture.Block(61));
        Assert.Equal(data, StoreFixture.ReadAll(input));
    }
}
