using CkptFS.Common;
using static CkptFS.NameNode.Tests.NamespaceAssert;

namespace CkptFS.NameNode.Tests;

public class DeleteAndReadTests : IDisposable
{
    private readonly NamespaceHarness _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public async Task RecursiveDeleteRemovesTheSubtreeDurably()
    {
        await _ns.MkdirAsync("/job/step-1", parents: true);
        await _ns.MkdirAsync("/job/step-2/empty", parents: true);
        for (var i = 0; i < 5; i++)
        {
            await _ns.TouchAsync($"/job/step-1/shard-{i}");
        }
        var message = await FailsAsync(ErrorCode.DirectoryNotEmpty, () => _ns.DeleteAsync("/job"));
        Assert.Contains("-r", message, StringComparison.Ordinal);
        var result = await _ns.DeleteAsync("/job", recursive: true);
        Assert.Equal(5, result.FilesDeleted);
        Assert.Equal(4, result.DirectoriesDeleted);
        Assert.Equal(1, _ns.Fs.Current.InodeCount);
        _ns.Restart();
        Assert.Equal(["/"], _ns.Dump().Select(line => line.Split(' ')[0]));
        Assert.Equal(1, _ns.Fs.Current.InodeCount);
    }

    [Fact]
    public async Task EmptyDirectoriesAndFilesNeedNoRecursion()
    {
        await _ns.MkdirAsync("/d");
        await _ns.TouchAsync("/f");
        await _ns.DeleteAsync("/d");
        await _ns.DeleteAsync("/f");
        await FailsAsync(ErrorCode.FileNotFound, () => _ns.DeleteAsync("/f"));
        await Assert.ThrowsAsync<CkptFsException>(() => _ns.Fs.DeleteAsync(FsPath.Root, recursive: true));
    }

    [Fact]
    public async Task ListingPagesThroughEntriesInNameOrder()
    {
        await _ns.MkdirAsync("/d");
        var names = Enumerable.Range(0, 25).Select(i => $"f{i:00}").ToArray();
        foreach (var name in names.Reverse())
        {
            await _ns.TouchAsync("/d/" + name);
        }
        var seen = new List<string>();
        var startAfter = string.Empty;
        for (var page = 0; page < 10; page++)
        {
            var listing = _ns.Fs.GetListing(FsPath.Parse("/d"), startAfter, 10);
            seen.AddRange(listing.Entries.Select(e => e.Path.Name));
            Assert.Equal(names.Length - seen.Count, listing.Remaining);
            if (listing.Remaining == 0)
            {
                break;
            }
            startAfter = listing.Entries[^1].Path.Name;
        }
        Assert.Equal(names, seen);
        Assert.Single(_ns.Fs.GetListing(FsPath.Parse("/d/f00"), string.Empty, 0).Entries);
    }

    [Fact]
    public async Task ContentSummaryCountsEverythingBelow()
    {
        await _ns.MkdirAsync("/a/b/c", parents: true);
        await _ns.TouchAsync("/a/f1");
        await _ns.TouchAsync("/a/b/c/f2");
        var summary = _ns.Fs.GetContentSummary(FsPath.Parse("/a"));
        Assert.Equal(2, summary.FileCount);
        Assert.Equal(3, summary.DirectoryCount);
        Assert.Equal(0, summary.Length);
        Assert.Throws<CkptFsException>(() => _ns.Fs.GetContentSummary(FsPath.Parse("/zzz")));
    }
}
