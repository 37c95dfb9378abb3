using CkptFS.Common;
using static CkptFS.NameNode.Tests.NamespaceAssert;

namespace CkptFS.NameNode.Tests;

public class RenameTests : IDisposable
{
    private readonly NamespaceHarness _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public async Task RenamingADirectoryMovesItsWholeSubtreeAndSurvivesARestart()
    {
        await _ns.MkdirAsync("/jobs/run1/step-1", parents: true);
        await _ns.TouchAsync("/jobs/run1/step-1/shard-0");
        await _ns.MkdirAsync("/archive");
        var moved = await _ns.RenameAsync("/jobs/run1", "/archive/run1-old");
        Assert.Equal("/archive/run1-old", moved.Path.Value);
        Assert.False(_ns.Exists("/jobs/run1"));
        Assert.True(_ns.Exists("/archive/run1-old/step-1/shard-0"));
        var before = _ns.Dump();
        _ns.Restart();
        Assert.Equal(before, _ns.Dump());
    }

    [Fact]
    public async Task AnExistingDirectoryAsDestinationMeansInto()
    {
        await _ns.MkdirAsync("/a");
        await _ns.MkdirAsync("/b");
        await _ns.TouchAsync("/f");
        Assert.Equal("/b/a", (await _ns.RenameAsync("/a", "/b")).Path.Value);
        Assert.Equal("/b/f", (await _ns.RenameAsync("/f", "/b")).Path.Value);
        Assert.True(_ns.Exists("/b/a") && _ns.Exists("/b/f"));
        await _ns.MkdirAsync("/c/a", parents: true);
        await FailsAsync(ErrorCode.FileAlreadyExists, () => _ns.RenameAsync("/c/a", "/b"));
    }

    [Fact]
    public async Task NeverIntoItselfNorTheRoot()
    {
        await _ns.MkdirAsync("/a/b/c", parents: true);
        Assert.Contains("into itself", await FailsAsync(ErrorCode.InvalidRename, () => _ns.RenameAsync("/a", "/a/b/c")), StringComparison.Ordinal);
        await FailsAsync(ErrorCode.InvalidRename, () => _ns.RenameAsync("/a", "/a/b/new"));
        await FailsAsync(ErrorCode.InvalidRename, () => _ns.RenameAsync("/", "/x"));
        Assert.True(_ns.Exists("/a/b/c"));
    }

    [Fact]
    public async Task RenameOntoItselfChangesNothing()
    {
        await _ns.TouchAsync("/f");
        await _ns.MkdirAsync("/d");
        var before = _ns.Dump();
        await _ns.RenameAsync("/f", "/f");
        await _ns.RenameAsync("/d", "/d");
        Assert.Equal(before, _ns.Dump());
    }

    [Fact]
    public async Task OverwriteReplacesOnlyAFileWithAFile()
    {
        await _ns.TouchAsync("/src");
        await _ns.TouchAsync("/dst");
        await _ns.MkdirAsync("/dir");
        var srcId = _ns.Fs.GetFileInfo(FsPath.Parse("/src")).Inode.Id;
        await FailsAsync(ErrorCode.FileAlreadyExists, () => _ns.RenameAsync("/src", "/dst"));
        await _ns.RenameAsync("/src", "/dst", overwrite: true);
        Assert.Equal(srcId, _ns.Fs.GetFileInfo(FsPath.Parse("/dst")).Inode.Id);
        Assert.Equal(3, _ns.Fs.Current.InodeCount);
        await _ns.MkdirAsync("/dir2");
        await _ns.TouchAsync("/file2");
        await FailsAsync(ErrorCode.FileAlreadyExists, () => _ns.RenameAsync("/dir2", "/file2", overwrite: true));
    }

    [Fact]
    public async Task MissingSourceOrDestinationParentFailsClearly()
    {
        await FailsAsync(ErrorCode.FileNotFound, () => _ns.RenameAsync("/nope", "/x"));
        await _ns.TouchAsync("/f");
        await FailsAsync(ErrorCode.FileNotFound, () => _ns.RenameAsync("/f", "/missing/f"));
        await _ns.TouchAsync("/g");
        await FailsAsync(ErrorCode.ParentNotDirectory, () => _ns.RenameAsync("/f", "/g/f"));
    }
}
