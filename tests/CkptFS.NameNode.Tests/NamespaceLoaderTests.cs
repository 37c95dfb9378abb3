using CkptFS.Common;
using CkptFS.NameNode.Namespace;
using CkptFS.NameNode.Persistence;
using CkptFS.Protocol.V1;

namespace CkptFS.NameNode.Tests;

/// <summary>The streaming start-up load: records in any order, shared owner strings, damaged stores named.</summary>
public sealed class NamespaceLoaderTests
{
    [Fact]
    public void RecordsInAnyOrderBuildTheTree()
    {
        // A directory moved under a newer one: its record comes before its parent's (id order).
        var tree = NamespaceLoader.Build(
        [
            File(5, 3, "b"),
            Directory(3, 4, "moved"),
            File(6, 3, "a"),
            Directory(InodeId.Root.Value, 0, ""),
            Directory(4, InodeId.Root.Value, "newer"),
            File(7, InodeId.Root.Value, "top"),
        ]);

        Assert.Equal(6, tree.InodeCount);
        var moved = Assert.IsType<DirectoryInode>(tree.Find(FsPath.Parse("/newer/moved")));
        Assert.Equal(["a", "b"], moved.Children.Keys);
        Assert.IsType<FileInode>(tree.Find(FsPath.Parse("/top")));
    }

    [Fact]
    public void OwnersAndGroupsAreSharedStrings()
    {
        var tree = NamespaceLoader.Build(
        [
            Directory(InodeId.Root.Value, 0, ""),
            File(2, InodeId.Root.Value, "x"),
            File(3, InodeId.Root.Value, "y"),
        ]);

        var x = tree.Find(FsPath.Parse("/x"))!;
        var y = tree.Find(FsPath.Parse("/y"))!;
        Assert.Same(x.Owner, y.Owner);
        Assert.Same(x.Group, y.Group);
        Assert.Same(tree.Root.Owner, x.Owner);
    }

    [Fact]
    public void TheLoadListsFilesWithBlocksAndOpenFilesWithTheirPaths()
    {
        var loader = new NamespaceLoader();
        var open = File(5, 4, "open");
        open.LeaseHolder = "client-a";
        open.Blocks.Add(new ExtendedBlock { BlockId = 77, GenerationStamp = 1000, NumBytes = 10 });
        var closed = File(6, InodeId.Root.Value, "closed");
        closed.Blocks.Add(new ExtendedBlock { BlockId = 78, GenerationStamp = 1000, NumBytes = 20 });
        foreach (var record in new[] { Directory(InodeId.Root.Value, 0, ""), open, Directory(4, 3, "c"), Directory(3, InodeId.Root.Value, "b"), closed, File(7, 4, "empty") })
        {
            loader.Add(record);
        }
        loader.Build();

        var files = loader.Files;
        Assert.Equal([5UL, 6UL], files.WithBlocks.Select(f => f.Id.Value).Order());
        var (path, file) = Assert.Single(files.UnderConstruction);
        Assert.Equal("/b/c/open", path.ToString());
        Assert.Equal("client-a", file.LeaseHolder);
    }

    [Fact]
    public void ARecordWhoseParentIsMissingNamesItself()
    {
        var error = Assert.Throws<CkptFsException>(() => NamespaceLoader.Build(
        [
            Directory(InodeId.Root.Value, 0, ""),
            File(2, InodeId.Root.Value, "fine"),
            File(9, 42, "lost"),
        ]));

        Assert.Equal(ErrorCode.StorageCorrupt, error.Code);
        Assert.Contains("inode 9 ('lost') names parent 42", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStoreWithoutARootIsDamaged()
    {
        var error = Assert.Throws<CkptFsException>(() => NamespaceLoader.Build([File(2, InodeId.Root.Value, "x")]));

        Assert.Equal(ErrorCode.StorageCorrupt, error.Code);
    }

    // New strings per record, as the protobuf parser makes them.
    private static InodeRecord File(ulong id, ulong parent, string name) =>
        new() { Id = id, ParentId = parent, Name = name, Type = FileType.File, Owner = new string("ckptfs"), Group = new string("ckptfs"), Replication = 3, BlockSize = 1024 };

    private static InodeRecord Directory(ulong id, ulong parent, string name) =>
        new() { Id = id, ParentId = parent, Name = name, Type = FileType.Directory, Owner = new string("ckptfs"), Group = new string("ckptfs") };
}
