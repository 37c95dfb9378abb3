using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using CkptFS.Testing;
using static CkptFS.NameNode.Tests.NamespaceAssert;

namespace CkptFS.NameNode.Tests;

/// <summary>SetTimes, SetPermission, SetOwner; access times; a rename keeps the moved entry's times.</summary>
public class AttributeTests : IDisposable
{
    private const long Minute = 60_000;
    private readonly NamespaceHarness _ns = new();

    public void Dispose() => _ns.Dispose();

    private static FsPath P(string path) => FsPath.Parse(path);

    private long NowMs => _ns.Time.GetUtcNow().ToUnixTimeMilliseconds();

    private Inode Get(string path) => _ns.Fs.GetFileInfo(P(path)).Inode;

    [Fact]
    public async Task SetTimesChangesOnlyTheTimesGivenLeavesTheParentAloneAndSurvivesARestart()
    {
        await _ns.MkdirAsync("/d");
        await _ns.TouchAsync("/d/f");
        var parentBefore = Get("/d");
        _ns.Time.Advance(TimeSpan.FromMinutes(5));

        var entry = await _ns.Fs.SetTimesAsync(P("/d/f"), modificationTimeMs: 1_000_000, accessTimeMs: null);
        Assert.Equal((1_000_000L, parentBefore.ModificationTimeMs), (entry.Inode.ModificationTimeMs, entry.Inode.AccessTimeMs));
        await _ns.Fs.SetTimesAsync(P("/d/f"), modificationTimeMs: null, accessTimeMs: 2_000_000);
        await _ns.Fs.SetTimesAsync(P("/d"), modificationTimeMs: 3_000_000, accessTimeMs: 4_000_000);

        var file = Get("/d/f");
        Assert.Equal((1_000_000L, 2_000_000L), (file.ModificationTimeMs, file.AccessTimeMs));
        Assert.Equal((3_000_000L, 4_000_000L), (Get("/d").ModificationTimeMs, Get("/d").AccessTimeMs));
        Assert.Equal(parentBefore.Id, Get("/d").Id);
        Assert.Equal(file.Id, Assert.Single(((DirectoryInode)Get("/d")).Children.Values).Id);
        var before = _ns.Dump();
        _ns.Restart();
        Assert.Equal(before, _ns.Dump());
        Assert.Equal((1_000_000L, 2_000_000L), (Get("/d/f").ModificationTimeMs, Get("/d/f").AccessTimeMs));
    }

    [Fact]
    public async Task TheEpochAndTimesBefore1970AreTimesToo()
    {
        await _ns.TouchAsync("/f");
        await _ns.TouchAsync("/old");
        await _ns.Fs.SetTimesAsync(P("/f"), 0, 0);
        await _ns.Fs.SetTimesAsync(P("/old"), -86_400_000, -1);
        _ns.Restart();
        // 0 is stored, not taken for "a record without an access time" (those load the mtime).
        Assert.Equal((0L, 0L), (Get("/f").ModificationTimeMs, Get("/f").AccessTimeMs));
        Assert.Equal((-86_400_000L, -1L), (Get("/old").ModificationTimeMs, Get("/old").AccessTimeMs));
    }

    [Fact]
    public async Task NoTimeGivenWritesNothingButThePathMustExist()
    {
        await _ns.TouchAsync("/f");
        var before = Get("/f");
        _ns.Time.Advance(TimeSpan.FromMinutes(1));
        var entry = await _ns.Fs.SetTimesAsync(P("/f"), null, null);
        Assert.Same(before, entry.Inode);
        Assert.Same(before, Get("/f"));
        await FailsAsync(ErrorCode.FileNotFound, () => _ns.Fs.SetTimesAsync(P("/nope"), null, null));
        await FailsAsync(ErrorCode.FileNotFound, () => _ns.Fs.SetTimesAsync(P("/nope"), 1, 1));
        await FailsAsync(ErrorCode.ParentNotDirectory, () => _ns.Fs.SetTimesAsync(P("/f/x"), 1, 1));
    }

    [Theory]
    [InlineData(long.MaxValue, null)]
    [InlineData(null, long.MinValue)]
    [InlineData(253_402_300_800_000L, null)]   // 10000-01-01
    public async Task TimesOutsideTheYears1To9999AreRefused(long? modified, long? accessed)
    {
        await _ns.TouchAsync("/f");
        var before = Get("/f");
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Fs.SetTimesAsync(P("/f"), modified, accessed));
        Assert.Same(before, Get("/f"));
    }

    [Fact]
    public async Task SetPermissionTakesTheTwelveModeBitsZeroIncludedAndSurvivesARestart()
    {
        await _ns.MkdirAsync("/shared");
        await _ns.TouchAsync("/shared/f");
        var mtime = Get("/shared/f").ModificationTimeMs;
        _ns.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0b001_111_111_111, (await _ns.Fs.SetPermissionAsync(P("/shared"), 0b001_111_111_111)).Inode.Permission); // 1777
        Assert.Equal(0, (await _ns.Fs.SetPermissionAsync(P("/shared/f"), 0)).Inode.Permission);
        Assert.Equal(0b111_000_000, (await _ns.Fs.SetPermissionAsync(P("/"), 0b111_000_000)).Inode.Permission); // 0700 on the root
        Assert.Equal(mtime, Get("/shared/f").ModificationTimeMs);   // chmod is not a write

        _ns.Restart();
        Assert.Equal(0b001_111_111_111, Get("/shared").Permission);
        Assert.Equal(0, Get("/shared/f").Permission);
        Assert.Equal(0b111_000_000, _ns.Fs.Current.Root.Permission);
    }

    [Fact]
    public async Task SetPermissionRefusesMoreThan07777AndMissingPaths()
    {
        await _ns.TouchAsync("/f");
        var message = await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Fs.SetPermissionAsync(P("/f"), 0b1_000_000_000_000)); // 010000
        Assert.Contains("10000", message, StringComparison.Ordinal);
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Fs.SetPermissionAsync(P("/f"), uint.MaxValue));
        Assert.Equal(FsNamespace.DefaultFilePermission, Get("/f").Permission);
        await FailsAsync(ErrorCode.FileNotFound, () => _ns.Fs.SetPermissionAsync(P("/nope"), 0b110_100_100));
    }

    [Fact]
    public async Task SetOwnerChangesWhatIsGivenAndSurvivesARestart()
    {
        await _ns.TouchAsync("/f");
        await _ns.MkdirAsync("/d");
        var original = Get("/f");

        var ownerOnly = (await _ns.Fs.SetOwnerAsync(P("/f"), "alice", null)).Inode;
        Assert.Equal(("alice", original.Group), (ownerOnly.Owner, ownerOnly.Group));
        var groupOnly = (await _ns.Fs.SetOwnerAsync(P("/f"), null, "ml-team")).Inode;
        Assert.Equal(("alice", "ml-team"), (groupOnly.Owner, groupOnly.Group));
        await _ns.Fs.SetOwnerAsync(P("/d"), "bob", "ünï 名前");

        _ns.Restart();
        Assert.Equal(("alice", "ml-team"), (Get("/f").Owner, Get("/f").Group));
        Assert.Equal(("bob", "ünï 名前"), (Get("/d").Owner, Get("/d").Group));
    }

    [Fact]
    public async Task SetOwnerNeedsAValidOwnerOrGroupAndAnExistingPath()
    {
        await _ns.TouchAsync("/f");
        var before = Get("/f");
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Fs.SetOwnerAsync(P("/f"), null, null));
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Fs.SetOwnerAsync(P("/f"), "", null));
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Fs.SetOwnerAsync(P("/f"), "alice", "  "));
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Fs.SetOwnerAsync(P("/f"), "al\nice", null));
        await FailsAsync(ErrorCode.InvalidArgument, () => _ns.Fs.SetOwnerAsync(P("/f"), new string('a', FsNamespace.MaxOwnerNameLength + 1), null));
        Assert.Same(before, Get("/f"));
        await FailsAsync(ErrorCode.FileNotFound, () => _ns.Fs.SetOwnerAsync(P("/nope"), "alice", null));
    }

    [Fact]
    public async Task AccessTimeIsSetAtCreateAndCloseButNotByReads()
    {
        await _ns.MkdirAsync("/d");
        Assert.Equal(NowMs, Get("/d").AccessTimeMs);
        _ns.Time.Advance(TimeSpan.FromMinutes(1));
        await _ns.CreateAsync("/d/f");
        var created = NowMs;
        Assert.Equal(created, Get("/d/f").AccessTimeMs);
        _ns.Time.Advance(TimeSpan.FromMinutes(1));
        await _ns.Fs.CompleteAsync(P("/d/f"), "client-a");
        var closed = NowMs;
        Assert.Equal((closed, closed), (Get("/d/f").ModificationTimeMs, Get("/d/f").AccessTimeMs));

        _ns.Time.Advance(TimeSpan.FromMinutes(1));
        _ns.Fs.GetBlockLocations(P("/d/f"), 0, 0, null);
        _ns.Fs.GetListing(P("/d"), string.Empty, 0);
        _ns.Fs.GetContentSummary(P("/"));
        Assert.Equal(closed, Get("/d/f").AccessTimeMs);
        Assert.Equal(closed - 2 * Minute, Get("/d").AccessTimeMs);
    }

    [Fact]
    public async Task ClosingAFileSetsBothTimesOverWhatSetTimesGaveItWhileOpen()
    {
        await _ns.CreateAsync("/f");
        await _ns.Fs.SetTimesAsync(P("/f"), 1, 2);
        Assert.Equal((1L, 2L), (Get("/f").ModificationTimeMs, Get("/f").AccessTimeMs));
        _ns.Time.Advance(TimeSpan.FromMinutes(1));
        await _ns.Fs.CompleteAsync(P("/f"), "client-a");
        Assert.Equal((NowMs, NowMs), (Get("/f").ModificationTimeMs, Get("/f").AccessTimeMs));
    }

    [Fact]
    public async Task ARenamedEntryKeepsItsTimesWhileBothParentsTakeTheRenameTime()
    {
        await _ns.MkdirAsync("/a");
        await _ns.MkdirAsync("/b");
        await _ns.TouchAsync("/a/f");
        await _ns.MkdirAsync("/a/sub");
        await _ns.Fs.SetTimesAsync(P("/a/f"), 1_000, 2_000);
        _ns.Time.Advance(TimeSpan.FromMinutes(10));

        await _ns.RenameAsync("/a/f", "/b/g");
        await _ns.RenameAsync("/a/sub", "/b");
        var renamed = NowMs;

        Assert.Equal((1_000L, 2_000L), (Get("/b/g").ModificationTimeMs, Get("/b/g").AccessTimeMs));
        Assert.Equal(renamed - 10 * Minute, Get("/b/sub").ModificationTimeMs);
        Assert.Equal(renamed, Get("/a").ModificationTimeMs);
        Assert.Equal(renamed, Get("/b").ModificationTimeMs);
        _ns.Restart();
        Assert.Equal((1_000L, 2_000L), (Get("/b/g").ModificationTimeMs, Get("/b/g").AccessTimeMs));
    }

    [Fact]
    public async Task SafeModeRefusesAllThreeAndTheyWorkOnceItEnds()
    {
        _ns.AddDatanode("dn1");
        await _ns.CreateAsync("/f");
        var block = (await _ns.AddBlockAsync("/f", null)).Block with { NumBytes = 10 };
        _ns.Received("dn1", block);
        Assert.True((await _ns.Fs.CompleteAsync(P("/f"), "client-a", block)).Completed);
        _ns.Restart();
        Assert.True(_ns.Blocks.InSafeMode);
        var before = _ns.Dump();

        await FailsAsync(ErrorCode.SafeMode, () => _ns.Fs.SetTimesAsync(P("/f"), 1, 1));
        await FailsAsync(ErrorCode.SafeMode, () => _ns.Fs.SetPermissionAsync(P("/f"), 0b111_111_111));
        await FailsAsync(ErrorCode.SafeMode, () => _ns.Fs.SetOwnerAsync(P("/f"), "alice", "staff"));
        Assert.Equal(before, _ns.Dump());

        _ns.AddDatanode("dn1");
        _ns.Received("dn1", block);
        Assert.False(_ns.Blocks.InSafeMode);
        await _ns.Fs.SetTimesAsync(P("/f"), 1, 1);
        await _ns.Fs.SetPermissionAsync(P("/f"), 0b111_111_111);
        await _ns.Fs.SetOwnerAsync(P("/f"), "alice", "staff");
        Assert.Equal((1L, 0b111_111_111, "alice:staff"), (Get("/f").AccessTimeMs, (int)Get("/f").Permission, $"{Get("/f").Owner}:{Get("/f").Group}"));
    }

    [Fact]
    public void RecordsWrittenBeforeAccessTimesLoadTheModificationTime()
    {
        var fixture = Path.Combine(RepoPaths.Root, "tests", "CkptFS.NameNode.Tests", "Fixtures", "OldBuildNameNode", "metadata");
        using var harness = new NamespaceHarness(seedMetadata: fixture);
        var inodes = FsNamespace.Subtree(harness.Fs.Current.Root).ToList();
        Assert.True(inodes.Count > 10);
        Assert.All(inodes, inode => Assert.Equal(inode.ModificationTimeMs, inode.AccessTimeMs));
        Assert.Contains(inodes, inode => inode.ModificationTimeMs != 0);
    }
}
