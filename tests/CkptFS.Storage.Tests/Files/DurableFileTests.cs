using CkptFS.Common;
using CkptFS.Storage.Files;
using CkptFS.Testing;

namespace CkptFS.Storage.Tests.Files;

public sealed class DurableFileTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void WriteAtomicallyCreatesThenReplacesAndLeavesNoTemporaryFile()
    {
        var path = _directory.Combine("VERSION");

        DurableFile.WriteAtomically(path, Bytes.Of("first"));
        Assert.Equal("first", File.ReadAllText(path));

        DurableFile.WriteAtomically(path, Bytes.Of("second, longer"));
        Assert.Equal("second, longer", File.ReadAllText(path));

        DurableFile.WriteAtomically(path, []);
        Assert.Equal(0, new FileInfo(path).Length);
        Assert.Equal(["VERSION"], Directory.GetFiles(_directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteAtomicallyIntoAMissingFolderFailsWithoutLeavingAnything()
    {
        var path = Path.Combine(_directory.Path, "absent", "file");

        var error = Assert.Throws<CkptFsException>(() => DurableFile.WriteAtomically(path, Bytes.Of("x")));

        Assert.Equal(ErrorCode.StorageFailure, error.Code);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(error.InnerException);
        Assert.Empty(Directory.GetFileSystemEntries(_directory.Path));
    }

    [Fact]
    public void FsyncWorksOnFilesAndDirectories()
    {
        var file = _directory.Combine("data");
        File.WriteAllText(file, "x");

        DurableFile.FsyncFile(file);
        DurableFile.FsyncDirectory(_directory.Path);
    }

    [Fact]
    public void FsyncOfAMissingPathNamesThePathAndTheReason()
    {
        var missing = _directory.Combine("missing");

        var error = Assert.Throws<CkptFsException>(() => DurableFile.FsyncDirectory(missing));

        Assert.Equal(ErrorCode.StorageFailure, error.Code);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("errno 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RenameDurablyMovesFilesAndFoldersAcrossFoldersAndReplacesTheTarget()
    {
        var source = Directory.CreateDirectory(_directory.Combine("pending")).FullName;
        var target = Directory.CreateDirectory(_directory.Combine("published")).FullName;
        File.WriteAllText(Path.Combine(source, "shard"), "new");
        File.WriteAllText(Path.Combine(target, "shard"), "old");

        DurableFile.RenameDurably(Path.Combine(source, "shard"), Path.Combine(target, "shard"));
        Assert.Equal("new", File.ReadAllText(Path.Combine(target, "shard")));
        Assert.False(File.Exists(Path.Combine(source, "shard")));

        DurableFile.RenameDurably(source, _directory.Combine("renamed"));
        Assert.True(Directory.Exists(_directory.Combine("renamed")));
        Assert.False(Directory.Exists(source));
    }

    [Fact]
    public void RenameDurablyOfAMissingSourceFails()
    {
        var error = Assert.Throws<CkptFsException>(() => DurableFile.RenameDurably(_directory.Combine("a"), _directory.Combine("b")));

        Assert.Equal(ErrorCode.StorageFailure, error.Code);
        Assert.Contains(_directory.Combine("a"), error.Message, StringComparison.Ordinal);
    }

    [TmpfsFact]
    public void WriteAtomicallyOnAFullDiskThrowsDiskFullAndKeepsTheOldContents()
    {
        using var disk = TmpfsMount.Create(sizeKiB: 64);
        var path = Path.Combine(disk.Path, "image");
        DurableFile.WriteAtomically(path, Bytes.Of("old"));

        var error = Assert.Throws<CkptFsException>(() => DurableFile.WriteAtomically(path, new byte[256 * 1024]));

        Assert.Equal(ErrorCode.DiskFull, error.Code);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["image"], Directory.GetFiles(disk.Path).Select(Path.GetFileName));
    }
}
