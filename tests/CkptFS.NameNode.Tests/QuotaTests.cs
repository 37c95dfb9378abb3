using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using static CkptFS.NameNode.Tests.NamespaceAssert;

namespace CkptFS.NameNode.Tests;

/// <summary>
/// Namespace and space quotas (HDFS setQuota, setSpaceQuota): usage kept per directory without
/// scans, enforced at mkdir, create, rename and block allocation, durable across a restart.
/// </summary>
public sealed class QuotaTests : IDisposable
{
    private const long Block = 64 * 1024;   // the smallest block size: quotas in a few blocks
    private const int Replication = 2;
    private readonly NamespaceHarness _ns = new();

    public QuotaTests()
    {
        _ns.AddDatanode("dn1");
        _ns.AddDatanode("dn2");
    }

    public void Dispose() => _ns.Dispose();

    private static FsPath P(string path) => FsPath.Parse(path);

    private Task SetQuotaAsync(string path, long? files, long? space) => _ns.Fs.SetQuotaAsync(P(path), files, space);

    private Task CreateAsync(string path, bool firstBlock = false) =>
        _ns.Fs.CreateFileAsync(new CreateFileRequest(P(path), "client-a", Replication: Replication, BlockSizeBytes: Block) { AllocateFirstBlock = firstBlock });

    private ContentSummary Summary(string path) => _ns.Fs.GetContentSummary(P(path));

    /// <summary>Writes a closed file of <paramref name="bytes"/> (at most one block), as a writer does: create, block, complete.</summary>
    private async Task<FileBlock> WriteAsync(string path, long bytes)
    {
        await CreateAsync(path);
        var block = (await _ns.AddBlockAsync(path, null)).Block with { NumBytes = bytes };
        _ns.Received("dn1", block);
        Assert.True((await _ns.Fs.CompleteAsync(P(path), "client-a", block)).Completed);
        return block;
    }

    [Fact]
    public async Task NamespaceQuotaCountsTheDirectoryItselfAndRefusesMkdirAndCreate()
    {
        await _ns.MkdirAsync("/q");
        await SetQuotaAsync("/q", files: 3, space: null);
        await _ns.MkdirAsync("/q/d");
        await _ns.TouchAsync("/q/f");      // /q, /q/d, /q/f: 3 of 3

        var message = await FailsAsync(ErrorCode.QuotaExceeded, () => _ns.TouchAsync("/q/g"));
        Assert.Contains("namespace quota of /q is exceeded: quota = 3", message, StringComparison.Ordinal);
        await FailsAsync(ErrorCode.QuotaExceeded, () => _ns.MkdirAsync("/q/d/e"));
        await FailsAsync(ErrorCode.QuotaExceeded, () => _ns.MkdirAsync("/q/x/y", parents: true));
        Assert.False(_ns.Exists("/q/g"));
        Assert.False(_ns.Exists("/q/x"));
        Assert.Equal(3, Summary("/q").NamespaceCount);

        await _ns.DeleteAsync("/q/f");
        await _ns.TouchAsync("/q/g");
        await _ns.Fs.SetQuotaAsync(P("/q"), 0, null);   // cleared
        await _ns.TouchAsync("/q/h");
        Assert.Equal(DirectoryQuota.None, Summary("/q").Quota);
    }

    [Fact]
    public async Task SpaceQuotaChargesAWholeBlockAtAllocationAndTheActualBytesAtComplete()
    {
        await _ns.MkdirAsync("/q");
        await SetQuotaAsync("/q", files: null, space: 2 * Block * Replication);
        await CreateAsync("/q/f");
        var first = (await _ns.AddBlockAsync("/q/f", null)).Block;
        Assert.Equal(Block * Replication, Summary("/q").SpaceCharged);
        Assert.Equal(0, Summary("/q").SpaceConsumed);

        // The first block ends at 1000 bytes; the second is charged whole: 1000 + 64 Ki, x2.
        var done = first with { NumBytes = 1000 };
        _ns.Received("dn1", done);
        var second = (await _ns.AddBlockAsync("/q/f", done)).Block;
        Assert.Equal((1000 + Block) * Replication, Summary("/q").SpaceCharged);

        // A third whole block does not fit in two blocks' worth.
        var full = second with { NumBytes = Block };
        _ns.Received("dn1", full);
        var message = await FailsAsync(ErrorCode.QuotaExceeded, () => _ns.AddBlockAsync("/q/f", full));
        Assert.Contains($"space quota of /q is exceeded: quota = {2 * Block * Replication} B", message, StringComparison.Ordinal);

        // Refused, the file is as it was; complete charges the bytes written.
        Assert.Equal(2, ((FileInode)_ns.Fs.GetFileInfo(P("/q/f")).Inode).Blocks.Length);
        Assert.True((await _ns.Fs.CompleteAsync(P("/q/f"), "client-a", full)).Completed);
        Assert.Equal((1000 + Block) * Replication, Summary("/q").SpaceCharged);
        Assert.Equal(Summary("/q").SpaceConsumed, Summary("/q").SpaceCharged);
    }

    [Fact]
    public async Task CreateWithItsFirstBlockIsRefusedWholeAndAbandonAndDeleteGiveSpaceBack()
    {
        await _ns.MkdirAsync("/q");
        await SetQuotaAsync("/q", files: null, space: Block * Replication + 10);
        await CreateAsync("/q/a", firstBlock: true);
        await FailsAsync(ErrorCode.QuotaExceeded, () => CreateAsync("/q/b", firstBlock: true));
        Assert.False(_ns.Exists("/q/b"));   // one mutation: no file left without its block

        var allocated = ((FileInode)_ns.Fs.GetFileInfo(P("/q/a")).Inode).LastBlock!.Value;
        await _ns.Fs.AbandonBlockAsync(P("/q/a"), "client-a", allocated);
        Assert.Equal(0, Summary("/q").SpaceCharged);
        await CreateAsync("/q/b", firstBlock: true);
        await _ns.DeleteAsync("/q/b");
        Assert.Equal(0, Summary("/q").SpaceCharged);
        Assert.Equal(2, Summary("/q").NamespaceCount);
    }

    [Fact]
    public async Task RenameIntoAQuotaDirectoryCountsTheMovedSubtreeAndWithinItIsFree()
    {
        await _ns.MkdirAsync("/q1");
        await _ns.MkdirAsync("/q2");
        await _ns.MkdirAsync("/src/d", parents: true);
        await WriteAsync("/src/d/f", 5000);
        await WriteAsync("/src/d/g", 5000);
        await SetQuotaAsync("/q1", files: 10, space: 30_000);
        await SetQuotaAsync("/q2", files: 2, space: null);

        await _ns.RenameAsync("/src/d", "/q1/d");
        Assert.Equal(new SubtreeUsage(2, 2, 10_000, 20_000, 20_000), ((DirectoryInode)_ns.Fs.Current.Get(P("/q1"))).Usage);
        await _ns.RenameAsync("/q1/d/f", "/q1/f");     // within /q1: no change, allowed
        var message = await FailsAsync(ErrorCode.QuotaExceeded, () => _ns.RenameAsync("/q1/d", "/q2/d"));
        Assert.Contains("namespace quota of /q2", message, StringComparison.Ordinal);
        Assert.True(_ns.Exists("/q1/d/g"));

        await WriteAsync("/src/h", 6000);
        await FailsAsync(ErrorCode.QuotaExceeded, () => _ns.RenameAsync("/src/h", "/q1/h"));   // 20,000 + 12,000 > 30,000
        await _ns.RenameAsync("/q1/f", "/src/f");      // moving out gives it back
        await _ns.RenameAsync("/src/h", "/q1/h");
        Assert.Equal(new SubtreeUsage(2, 2, 11_000, 22_000, 22_000), ((DirectoryInode)_ns.Fs.Current.Get(P("/q1"))).Usage);
    }

    [Fact]
    public async Task NestedQuotasAreAllChecked()
    {
        await _ns.MkdirAsync("/a/b", parents: true);
        await SetQuotaAsync("/a", files: 4, space: null);
        await SetQuotaAsync("/a/b", files: 10, space: null);
        await _ns.TouchAsync("/a/b/1");
        await _ns.TouchAsync("/a/b/2");
        var message = await FailsAsync(ErrorCode.QuotaExceeded, () => _ns.TouchAsync("/a/b/3"));
        Assert.Contains("namespace quota of /a is exceeded", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQuotaBelowUsageIsAcceptedAndOnlyGrowthIsRefused()
    {
        await _ns.MkdirAsync("/q");
        await WriteAsync("/q/f", 9000);
        await WriteAsync("/q/g", 9000);
        await SetQuotaAsync("/q", files: 2, space: 1000);
        await FailsAsync(ErrorCode.QuotaExceeded, () => _ns.TouchAsync("/q/h"));
        await _ns.DeleteAsync("/q/f");        // shrinking while over is fine
        await _ns.RenameAsync("/q/g", "/q/g2");
        Assert.Equal(2, Summary("/q").NamespaceCount);
    }

    [Fact]
    public async Task QuotasSurviveARestartAndUsageIsRebuiltFromTheTree()
    {
        await _ns.MkdirAsync("/q/d", parents: true);
        await SetQuotaAsync("/q", files: 5, space: 200_000);
        var written = await WriteAsync("/q/d/f", 7000);
        await CreateAsync("/q/open");
        await _ns.AddBlockAsync("/q/open", null);
        var before = Summary("/q");

        _ns.Restart();
        _ns.AddDatanode("dn1");
        _ns.AddDatanode("dn2");
        _ns.Received("dn1", written);   // the block report that ends safe mode
        var after = Summary("/q");
        Assert.Equal(before, after);
        Assert.Equal(new DirectoryQuota(5, 200_000), after.Quota);
        Assert.Equal(7000 * Replication + Block * Replication, after.SpaceCharged);
        Assert.Equal(ScanUsage("/"), ((DirectoryInode)_ns.Fs.Current.Root).Usage);
        await _ns.TouchAsync("/q/x");
        await FailsAsync(ErrorCode.QuotaExceeded, () => _ns.TouchAsync("/q/y"));
    }

    [Fact]
    public async Task KeptUsageEqualsAScanAfterEveryKindOfChange()
    {
        await _ns.MkdirAsync("/a/b/c", parents: true);
        await WriteAsync("/a/b/c/f", 3000);
        await WriteAsync("/a/g", 100);
        await CreateAsync("/a/b/open", firstBlock: true);
        await _ns.RenameAsync("/a/b/c", "/c");
        await _ns.RenameAsync("/a/g", "/c/f", overwrite: true);
        await _ns.DeleteAsync("/a/b", recursive: true);
        await _ns.Fs.SetQuotaAsync(P("/c"), 9, null);
        foreach (var path in new[] { "/", "/a", "/c" })
        {
            Assert.Equal(ScanUsage(path), SubtreeUsage.Of(_ns.Fs.Current.Get(P(path))));
        }
    }

    [Fact]
    public async Task QuotasAreSetOnDirectoriesOnly()
    {
        await _ns.TouchAsync("/f");
        await FailsAsync(ErrorCode.NotADirectory, () => SetQuotaAsync("/f", 3, null));
        await FailsAsync(ErrorCode.InvalidArgument, () => SetQuotaAsync("/", -1, null));
        await FailsAsync(ErrorCode.FileNotFound, () => SetQuotaAsync("/nope", 3, null));
    }

    /// <summary>The usage of <paramref name="path"/> by walking every inode below it: what the kept totals must equal.</summary>
    private SubtreeUsage ScanUsage(string path)
    {
        SubtreeUsage sum = default;
        foreach (var inode in FsNamespace.Subtree(_ns.Fs.Current.Get(P(path))))
        {
            sum += inode is FileInode ? SubtreeUsage.Of(inode) : new SubtreeUsage(0, 1, 0, 0, 0);
        }
        return sum;
    }
}
