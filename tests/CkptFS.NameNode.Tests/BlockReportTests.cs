using CkptFS.Common;
using CkptFS.NameNode.Blocks;
using CkptFS.NameNode.Namespace;

namespace CkptFS.NameNode.Tests;

public class BlockReportTests : IDisposable
{
    private readonly NamespaceHarness _ns = new();

    public void Dispose() => _ns.Dispose();

    private static ReportedReplica Finalized(FileBlock block, long? genstamp = null) =>
        new(block.Id, genstamp is { } g ? new GenerationStamp((ulong)g) : block.GenerationStamp, block.NumBytes, ReplicaKind.Finalized);

    private async Task<FileBlock> ClosedFileWithOneBlockAsync(string path, long bytes)
    {
        await _ns.CreateAsync(path);
        var block = (await _ns.AddBlockAsync(path, null)).Block with { NumBytes = bytes };
        foreach (var node in _ns.Datanodes.GetAll())
        {
            _ns.Received(node.Uuid, block);
        }
        Assert.True((await _ns.Fs.CompleteAsync(FsPath.Parse(path), "client-a", block)).Completed);
        return block;
    }

    [Fact]
    public async Task AFullReportAddsReportedReplicasAndDropsMissingOnes()
    {
        _ns.AddDatanode("dn1");
        var a = await ClosedFileWithOneBlockAsync("/a", 100);
        var b = await ClosedFileWithOneBlockAsync("/b", 200);
        Assert.Equal(["dn1"], _ns.Blocks.GetReplicas(a.Id).Live);

        _ns.Blocks.ProcessFullReport("dn1", [Finalized(b)]);
        Assert.Empty(_ns.Blocks.GetReplicas(a.Id).Live);
        Assert.Equal(["dn1"], _ns.Blocks.GetReplicas(b.Id).Live);
        Assert.Empty(_ns.Blocks.DrainDeletes("dn1"));

        _ns.Blocks.ProcessFullReport("dn1", [Finalized(a), Finalized(b)]);
        Assert.Equal(["dn1"], _ns.Blocks.GetReplicas(a.Id).Live);
    }

    [Fact]
    public async Task StaleGenstampsAndUnknownBlocksAreScheduledForDeletionOnThatNode()
    {
        _ns.AddDatanode("dn1");
        _ns.AddDatanode("dn2");
        var block = await ClosedFileWithOneBlockAsync("/a", 100);
        var unknown = new FileBlock(new BlockId(7), new GenerationStamp(1), 5);

        _ns.Blocks.ProcessFullReport("dn2", [Finalized(block, (long)block.GenerationStamp.Value - 1), Finalized(unknown)]);
        Assert.Equal(["dn1"], _ns.Blocks.GetReplicas(block.Id).Live);
        var deletes = _ns.Blocks.DrainDeletes("dn2");
        Assert.Equal([unknown.Id.Value, block.Id.Value], deletes.Select(d => d.Id.Value).Order());
        Assert.Equal(block.GenerationStamp.Value - 1, deletes.Single(d => d.Id == block.Id).GenerationStamp.Value);
        Assert.Empty(_ns.Blocks.DrainDeletes("dn1"));
    }

    [Fact]
    public async Task IncrementalReportsAddAndRemoveReplicas()
    {
        _ns.AddDatanode("dn1");
        await _ns.CreateAsync("/f");
        var block = (await _ns.AddBlockAsync("/f", null)).Block;
        var replica = new ReportedReplica(block.Id, block.GenerationStamp, 0, ReplicaKind.Finalized);
        _ns.Blocks.ProcessIncrementalReport("dn1", [(replica, ReplicaChange.Receiving)]);
        Assert.Equal(["dn1"], _ns.Blocks.GetReplicas(block.Id).Live);
        Assert.Equal(0, _ns.Blocks.CountFinalizedReplicas(block.Id));
        _ns.Blocks.ProcessIncrementalReport("dn1", [(replica, ReplicaChange.Received)]);
        Assert.Equal(1, _ns.Blocks.CountFinalizedReplicas(block.Id));
        _ns.Blocks.ProcessIncrementalReport("dn1", [(replica, ReplicaChange.Deleted)]);
        Assert.Empty(_ns.Blocks.GetReplicas(block.Id).Live);
    }

    [Fact]
    public async Task CorruptReplicasAreTrackedAndReadOnlyWhenNothingElseIsLeft()
    {
        _ns.AddDatanode("dn1");
        _ns.AddDatanode("dn2");
        var block = await ClosedFileWithOneBlockAsync("/a", 100);
        Assert.True(_ns.Blocks.MarkCorrupt(block.Id, "dn1", "checksum mismatch"));
        var read = _ns.Fs.GetBlockLocations(FsPath.Parse("/a"), 0, 0, null).Blocks.Single();
        Assert.Equal(["dn2"], read.Locations.Select(n => n.Uuid));
        Assert.False(read.Corrupt);
        Assert.Equal(1, _ns.Blocks.GetStats().CorruptReplicas);
        var fsck = _ns.Fs.Fsck(FsPath.Root, listAllBlocks: false);
        Assert.False(fsck.Healthy);
        Assert.Equal(1, fsck.CorruptBlocks);

        _ns.Blocks.MarkCorrupt(block.Id, "dn2", "checksum mismatch");
        read = _ns.Fs.GetBlockLocations(FsPath.Parse("/a"), 0, 0, null).Blocks.Single();
        Assert.True(read.Corrupt);
        Assert.Equal(2, read.Locations.Count);
        Assert.Equal(1, _ns.Fs.Fsck(FsPath.Root, false).MissingBlocks);
    }

    [Fact]
    public async Task AFinalizedReplicaWithTheWrongLengthIsCorrupt()
    {
        _ns.AddDatanode("dn1");
        _ns.AddDatanode("dn2");
        var block = await ClosedFileWithOneBlockAsync("/a", 100);
        _ns.Blocks.ProcessFullReport("dn2", [Finalized(block with { NumBytes = 99 })]);
        Assert.Equal(["dn2"], _ns.Blocks.GetReplicas(block.Id).Corrupt);
    }
}
