using CkptFS.Common;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.Checkpoints;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;
using CkptFS.Testing;

namespace CkptFS.NameNode.Tests;

/// <summary>
/// The upgrade path: a NameNode metadata folder written by the previous release (Debian's librocksdb
/// 7.8.3 through our own binding, an SST file and a WAL; Fixtures/OldBuildNameNode, whose NAMESPACE.txt
/// says how it was made and what the old NameNode served from it) opens with today's store and serves
/// the same namespace, checkpoints and id counters, and takes new mutations that survive a restart.
/// Each test works on a copy: RocksDB writes to a folder it opens.
/// </summary>
public sealed class OldBuildFixtureTests
{
    private static readonly string FixtureFolder = Path.Combine(RepoPaths.Root, "tests", "CkptFS.NameNode.Tests", "Fixtures", "OldBuildNameNode");
    private static readonly string FixtureMetadata = Path.Combine(FixtureFolder, "metadata");

    [Fact]
    public void TheOldFolderServesTheNamespaceTheOldNameNodeServed()
    {
        using var harness = new NamespaceHarness(seedMetadata: FixtureMetadata);

        Assert.Equal(RecordedNamespace(), Listing(harness.Fs.Current));

        var job = harness.Committer.PublishedMetadata.Checkpoints.Find(FsPath.Parse("/jobs/demo"));
        Assert.NotNull(job);
        Assert.Equal(200UL, job.LatestStep);
        Assert.Equal(new CheckpointRetention(KeepLast: 5, KeepEvery: 100), job.Retention);
        var checkpoint = Assert.Single(job.Checkpoints.Values);
        Assert.Equal(200UL, checkpoint.Step);
        Assert.Equal(new InodeId(21), checkpoint.DirectoryId);
        Assert.Equal(
            ["rank0.bin 13 8f3ec1dc", "rank1.bin 16 5db71758"],
            checkpoint.Manifest.Shards.Select(shard => $"{shard.Path} {shard.Size} {shard.Crc32C:x8}"));
    }

    [Fact]
    public void TheIdCountersGoOnAfterTheOldOnes()
    {
        using var directory = new TempDirectory("ckptfs-fixture");
        NamespaceHarness.CopyMetadata(FixtureMetadata, directory.Combine("metadata"));
        using var store = new RocksMetadataStore(directory.Combine("metadata"));

        var image = store.Load();

        // "18 inodes, next inode id 27" in the old NameNode's log; ids are never reused.
        Assert.Equal(18, image.Tree.InodeCount);
        Assert.Equal(27UL, image.NextInodeId);
        var blocks = Files(image.Tree.Root).SelectMany(file => file.Blocks).ToList();
        Assert.Equal(3, blocks.Count);
        Assert.All(blocks, block => Assert.True(block.Id.Value < image.Counters.NextBlockId, $"{block.Id} is not below the next block id {image.Counters.NextBlockId}"));
        Assert.All(blocks, block => Assert.True(block.GenerationStamp.Value < image.Counters.NextGenerationStamp,
            $"{block.Id}'s genstamp {block.GenerationStamp.Value} is not below the next one {image.Counters.NextGenerationStamp}"));
    }

    [Fact]
    public async Task MutationsAfterTheUpgradeSurviveARestart()
    {
        using var harness = new NamespaceHarness(seedMetadata: FixtureMetadata);
        ReportEveryBlock(harness);

        var made = await harness.MkdirAsync("/after-upgrade");
        await harness.RenameAsync("/data/raw/a-renamed.txt", "/after-upgrade/a.txt");
        await harness.DeleteAsync("/tmp");
        var touched = await harness.TouchAsync("/after-upgrade/new.txt");
        harness.Restart();

        Assert.Equal(new InodeId(27), made.Inode.Id);
        Assert.Equal(new InodeId(28), touched.Inode.Id);
        var expected = RecordedNamespace()
            .Where(line => !line.StartsWith("/tmp ", StringComparison.Ordinal))
            .Select(line => line.Replace("/data/raw/a-renamed.txt ", "/after-upgrade/a.txt ", StringComparison.Ordinal))
            .Append("/after-upgrade dir 27")
            .Append("/after-upgrade/new.txt file 28 0 0 3")
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, Listing(harness.Fs.Current));
        ReportEveryBlock(harness);
        Assert.Equal(new InodeId(29), (await harness.MkdirAsync("/after-restart/again")).Inode.Id);
    }

    /// <summary>
    /// What the fixture's DataNode would do at start: register and report every block it holds, which
    /// takes the NameNode out of safe mode (block locations are soft state, never in the metadata).
    /// </summary>
    private static void ReportEveryBlock(NamespaceHarness harness)
    {
        harness.AddDatanode("dn0");
        harness.Blocks.ProcessFullReport("dn0",
            [.. Files(harness.Fs.Current.Root).SelectMany(file => file.Blocks)
                .Select(block => new ReportedReplica(block.Id, block.GenerationStamp, block.NumBytes, ReplicaKind.Finalized))]);
        Assert.False(harness.Blocks.InSafeMode);
    }

    /// <summary>The non-comment lines of NAMESPACE.txt: "path kind inode [bytes blocks replication]", in path order.</summary>
    private static List<string> RecordedNamespace() =>
        File.ReadLines(Path.Combine(FixtureFolder, "NAMESPACE.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static List<string> Listing(NamespaceTree tree)
    {
        var lines = new List<string>();
        void Walk(string path, Inode inode)
        {
            lines.Add(inode switch
            {
                FileInode file => $"{path} file {file.Id.Value} {file.Length} {file.Blocks.Length} {file.Replication}",
                _ => $"{path} dir {inode.Id.Value}",
            });
            if (inode is DirectoryInode directory)
            {
                foreach (var (name, child) in directory.Children)
                {
                    Walk(path == "/" ? "/" + name : path + "/" + name, child);
                }
            }
        }
        Walk("/", tree.Root);
        return lines.Order(StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<FileInode> Files(Inode inode) => inode switch
    {
        FileInode file => [file],
        DirectoryInode directory => directory.Children.Values.SelectMany(Files),
        _ => [],
    };
}
